'use strict';
// The rules between the fields of a create request that the spec states in words (in the descriptions of
// `min_throughput_rate` and `initial_worker_config`): a JSON Schema can say them only as `if`/`then`
// branches whose errors no reader could follow. One copy, for every tool that checks a create body.

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Worker fields that a throughput guarantee replaces, since the server then sizes the deployment itself. */
const SIZED_BY_THROUGHPUT = [
  'min_workers',
  'initial_workers_gpu',
  'initial_workers_gpu_num',
  'instance_types',
];

/**
 * The conflicts between fields of a create request body (`POST /sg_inf/create`), in the order a reader
 * meets them; empty when there are none or when the body is not an object (the schema reports that).
 * `min_throughput_rate` (or its legacy name `max_throughput_rate`) above 0 sizes the deployment itself,
 * so it cannot be combined with the worker fields that size it by hand; `min_workers` above 0 keeps the
 * deployment from scaling to zero. 0 means "no guarantee": the seed's own example sends
 * `max_throughput_rate: 0` with a GPU choice.
 */
function createBodyConflicts(body) {
  if (!isObject(body)) return [];
  const conflicts = [];
  const workers = isObject(body.initial_worker_config) ? body.initial_worker_config : {};
  const scaling = isObject(body.autoscaling_config) ? body.autoscaling_config : {};
  const throughput = body.min_throughput_rate ?? body.max_throughput_rate;
  if (typeof throughput === 'number' && throughput > 0) {
    for (const key of SIZED_BY_THROUGHPUT) {
      const v = workers[key];
      if (v != null && !(key === 'min_workers' && v === 0) && !(Array.isArray(v) && v.length === 0)) {
        conflicts.push({
          path: ['initial_worker_config', key],
          message: 'cannot be combined with min_throughput_rate, which sizes the deployment itself',
        });
      }
    }
  }
  if (typeof workers.min_workers === 'number' && workers.min_workers > 0 && scaling.scale_to_zero === true) {
    conflicts.push({
      path: ['autoscaling_config', 'scale_to_zero'],
      message: 'cannot be true when initial_worker_config.min_workers is greater than 0',
    });
  }
  return conflicts;
}

exports.createBodyConflicts = createBodyConflicts;
