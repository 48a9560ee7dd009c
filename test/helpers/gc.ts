// Full garbage collections for tests that check what the proxy lets go of. The flag is set at
// run time: the test runner does not pass --expose-gc.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFunction: (() => void) | undefined;

export async function collectGarbage(): Promise<void> {
  if (!gcFunction) {
    setFlagsFromString('--expose-gc');
    gcFunction = runInNewContext('gc') as () => void;
  }
  for (let i = 0; i < 4; i++) {
    gcFunction();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
