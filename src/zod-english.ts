// zod/mini (the tree-shakable build of zod the schemas use) loads no locale: without this its
// issues would read "Invalid input". Importing this module installs zod's English messages, the
// ones the classic API ships with ("Invalid input: expected number, received string", ...).
// Only the English locale is imported; esbuild.mjs keeps zod's index of every locale out of the
// bundles. Every module that defines schemas imports this one.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());
