// Azure OpenAI's dialect, for a fake started with `azure`: the key in the `api-key` header, the
// deployment URLs (/openai/deployments/NAME/chat/completions?api-version=…, and
// /openai/responses?api-version=… with the deployment as the model) and the v1 API
// (/openai/v1/…, no api-version, the deployment as the model). A call is mapped onto the OpenAI
// path and the deployment's model, then validated as any other.
import { ApiError } from './errors';
import type { AzureOptions } from './types';

export type OpenAIPath = '/v1/chat/completions' | '/v1/responses';

/** Azure's answers to a wrong or missing key, an unknown path and an unknown deployment. */
const AZURE_UNAUTHORIZED = 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.';

export function checkAzureKey(header: string | string[] | undefined, apiKey: string): void {
  if (header !== apiKey) throw new ApiError(401, { message: AZURE_UNAUTHORIZED, type: 'invalid_request_error', param: null, code: '401' });
}

/** The OpenAI path and model of an Azure call; throws Azure's 404 for anything else. */
export function azureCall(method: string, url: URL, body: unknown, azure: AzureOptions): { path: OpenAIPath; model: string } {
  const notFound = (): never => { throw new ApiError(404, { message: 'Resource not found', type: 'invalid_request_error', param: null, code: '404' }); };
  if (method !== 'POST') notFound();
  const version = url.searchParams.get('api-version');
  const v1 = /^\/openai\/v1\/(chat\/completions|responses)$/.exec(url.pathname);
  const deployment = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/.exec(url.pathname);
  const responses = url.pathname === '/openai/responses';
  let name: unknown;
  let path: OpenAIPath;
  if (v1) {
    // The v1 API takes no dated version ("preview" opts into preview features).
    if (version !== null && version !== 'preview') {
      throw new ApiError(400, { message: 'api-version query parameter is not allowed when using /v1 path', type: 'invalid_request_error', param: null, code: 'BadRequest' });
    }
    path = v1[1] === 'responses' ? '/v1/responses' : '/v1/chat/completions';
    name = (body as { model?: unknown } | undefined)?.model;
  } else if (deployment || responses) {
    if (version !== azure.apiVersion) notFound();
    path = deployment ? '/v1/chat/completions' : '/v1/responses';
    name = deployment ? decodeURIComponent(deployment[1]) : (body as { model?: unknown } | undefined)?.model;
  } else {
    return notFound();
  }
  const model = typeof name === 'string' ? azure.deployments[name] : undefined;
  if (model === undefined) {
    throw new ApiError(404, {
      message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
      type: 'invalid_request_error', param: null, code: 'DeploymentNotFound',
    });
  }
  return { path, model };
}
