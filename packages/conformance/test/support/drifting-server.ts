import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

/** The differences from the spec this server can show, each on or off. */
export interface Quirks {
  /** Production's known quirks. */
  bareGet?: boolean;
  bareList?: boolean;
  notFound204?: boolean;
  emptyList204?: boolean;
  plainText500OnInvalidCreate?: boolean;
  /** New ones. */
  extraFields?: boolean;
  wrongTypeCost?: boolean;
  undocumentedStatusWithoutToken?: boolean;
  missingTimestampInList?: boolean;
  stopSaysFailure?: boolean;
  newGpuType?: boolean;
  /** Deployments never leave PROVISIONING (to test a run stopped half-way). */
  neverReady?: boolean;
}

export interface DriftingServer {
  url: string;
  /** Deployments that exist now (created and not deleted). */
  live(): string[];
  /** Every create body received. */
  creates: unknown[];
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body?: unknown, type = 'application/json') => {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...(text ? { 'Content-Type': type } : {}), 'X-Request-Id': `req-${randomUUID()}` });
  res.end(text);
};

/**
 * A deliberately drifting fake of the Inference API, for testing the conformance run: a small stateful
 * server (deployments are ACTIVE at once) that shows the quirks it is given, and keeps to the spec
 * everywhere else.
 */
export async function startDriftingServer(quirks: Quirks): Promise<DriftingServer> {
  const deployments = new Map<string, Record<string, unknown>>();
  const creates: unknown[] = [];
  const envelope = (message: unknown) => ({ success: true, message });
  const error = (message: string) => ({ success: false, message });

  const view = (d: Record<string, unknown>) => {
    let out: Record<string, unknown> = { ...d };
    if (quirks.extraFields) {
      out = {
        ...out,
        region_label: 'eu-1',
        autoscaling_config: { ...(out.autoscaling_config as object), burst: 2 },
      };
    }
    if (quirks.wrongTypeCost) out.cost = String(out.cost);
    if (quirks.newGpuType)
      out.initial_worker_config = { ...(out.initial_worker_config as object), initial_workers_gpu: 'B300' };
    return out;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    if (!/^Bearer \S+$/.test(auth)) {
      if (quirks.undocumentedStatusWithoutToken && !auth) return send(res, 400, error('No token.'));
      return send(res, 401, error('Missing or invalid credentials.'));
    }
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /sg_inf/list') {
      const items = [...deployments.values()].map((d) => {
        const v = view(d);
        if (quirks.missingTimestampInList) delete v.timestamp;
        return v;
      });
      if (items.length === 0 && quirks.emptyList204) return send(res, 204);
      return send(res, 200, quirks.bareList ? items : envelope(items));
    }
    if (route === 'POST /sg_inf/create') {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      creates.push(body);
      if (body.inf_type === 'not-a-type') {
        if (quirks.plainText500OnInvalidCreate) return send(res, 500, 'Internal Server Error', 'text/plain');
        return send(res, 422, {
          ...error('The request has 1 invalid field: inf_type.'),
          errors: [{ field: 'inf_type', message: 'must be one of llm, embedding, tti, vlm', code: 'enum' }],
        });
      }
      const id = randomUUID();
      deployments.set(id, {
        ...body,
        id,
        status: quirks.neverReady ? 'PROVISIONING' : 'ACTIVE',
        engine: 'tei',
        timestamp: '2026-11-25T14:03:11.123456',
        cost: 0,
        current_price_per_hour: 0.2,
        link: `https://${id}.drift.invalid`,
      });
      return send(res, 200, envelope({ inf_id: id }));
    }
    const match = /^\/sg_inf\/([^/]+)(\/scale\/(up|zero))?$/.exec(url.pathname);
    const id = match ? decodeURIComponent(match[1] as string) : '';
    const d = deployments.get(id);
    if (!d)
      return quirks.notFound204 ? send(res, 204) : send(res, 404, error(`Deployment ${id} was not found.`));
    if (req.method === 'GET' && !match?.[2])
      return send(res, 200, quirks.bareGet ? view(d) : envelope(view(d)));
    if (req.method === 'DELETE' && !match?.[2]) {
      deployments.delete(id);
      return send(res, 200, envelope(`Deployment ${id} is being deleted.`));
    }
    if (req.method === 'POST' && match?.[3] === 'zero') {
      d.status = 'INACTIVE';
      return send(
        res,
        200,
        quirks.stopSaysFailure ? { success: false, message: 'Stopped.' } : envelope('Stopped.'),
      );
    }
    if (req.method === 'POST' && match?.[3] === 'up') {
      d.status = 'ACTIVE';
      return send(res, 200, envelope('Started.'));
    }
    return send(res, 404, error('No such route.'));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, error('The drifting server failed.')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    live: () => [...deployments.keys()],
    creates,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
