import { loadEndpointSpec } from '@sgi/spec';
import { type Contract, loadContract } from './contract.js';
import type { Finding } from './findings.js';
import type { CheckResult } from './run.js';
import { validateExchange } from './validate.js';

/** How to check a deployment's model endpoint. */
export interface EndpointCheckOptions {
  /** The deployment's `link` (its endpoint is `link + "/inference"`). */
  link: string;
  /** The deployment's API key (never printed). */
  apiKey: string;
  /** Time limit of the call, in ms (default 30,000). */
  timeoutMs?: number;
  /** The endpoint's contract (default: `@sgi/spec`'s endpoint document). */
  contract?: Contract;
  fetch?: typeof fetch;
}

/**
 * Checks a live deployment's model endpoint read-only against `@sgi/spec`'s endpoint document:
 * `GET link/inference/v1/models` must answer as the spec says (status, media type, schema). The
 * routes under `/inference` are an assumption of the spec; a finding here is what tells it so.
 */
export async function checkEndpoint(options: EndpointCheckOptions): Promise<CheckResult> {
  const contract = options.contract ?? loadContract(loadEndpointSpec());
  const check = 'endpoint: list models';
  const operation = 'listModels';
  const url = `${options.link.replace(/\/+$/, '')}/inference/v1/models`;
  let findings: Finding[];
  try {
    const response = await (options.fetch ?? fetch)(url, {
      headers: { Authorization: `Bearer ${options.apiKey}`, Accept: 'application/json' },
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    findings = validateExchange(contract, {
      check,
      operation,
      status: response.status,
      headers,
      body: await response.text(),
    });
    if (response.status !== 200 && findings.length === 0)
      findings.push({
        check,
        operation,
        status: response.status,
        kind: 'behaviour',
        pointer: '',
        message: `the model list answered ${response.status}, not 200: is the deployment ACTIVE, and the key its own?`,
        severity: 'error',
      });
  } catch (error) {
    findings = [
      {
        check,
        operation,
        status: 0,
        kind: 'unreachable',
        pointer: '',
        message: `no answer from ${url}: ${(error as Error).name === 'TimeoutError' ? 'timed out' : (error as Error).message}`,
        severity: 'error',
      },
    ];
  }
  return { name: check, operation, findings };
}
