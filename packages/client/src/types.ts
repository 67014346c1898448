import type { components } from './generated/schema.js';

type Schemas = components['schemas'];

/** The body of `inference.create`: what to deploy and how (`name`, `model` and one controller are required). */
export type InferenceDeploymentCreate = Schemas['InferenceDeploymentCreate'];
/** A deployment as the API returns it: its settings plus `id`, `status`, `link`, costs and times. */
export type InferenceDeployment = Schemas['InferenceDeployment'];
/** The settings shared by the create request and the stored deployment. */
export type DeploymentSettings = Schemas['DeploymentSettings'];
/** `PROVISIONING`, `ACTIVE`, `INACTIVE`, `FAILED`, `DELETING` or `DELETED`. */
export type DeploymentStatus = Schemas['DeploymentStatus'];
/** A GPU type (`A100_80GB`, `H100_80GB_SXM`, `L4`, ...). */
export type GpuType = Schemas['GpuType'];
/** A cloud provider (`AWS`, `GCP`, `SCALEGENAI`, ...). */
export type CloudProvider = Schemas['CloudProvider'];
/** A cloud provider and the regions it may use. */
export type CloudProviderConfig = Schemas['CloudProviderConfig'];
/** `llm`, `embedding`, `tti` or `vlm`. */
export type InferenceType = Schemas['InferenceType'];
/** The serving engine: `vllm`, `tei`, `nim`, `lmdeploy`, `nos` or `friendli`. */
export type InferenceEngine = Schemas['InferenceEngine'];
/** The metric the autoscaler steers by. */
export type AutoscalingStrategy = Schemas['AutoscalingStrategy'];
/** When to add and remove workers. */
export type AutoscalingConfig = Schemas['AutoscalingConfig'];
/** How many workers to start with and on which GPUs. */
export type InitialWorkerConfig = Schemas['InitialWorkerConfig'];
/** Run the controller in a cloud. */
export type ControllerCloudConfig = Schemas['ControllerCloudConfig'];
/** Run the controller on premises. */
export type ControllerOnPremConfig = Schemas['ControllerOnPremConfig'];
/** A LoRA adapter to serve, with its token if private (create request). */
export type LlmLoraCreate = Schemas['LlmLoraCreate'];
/** A LoRA adapter served by a deployment (as returned, without token). */
export type LlmLora = Schemas['LlmLora'];
/** What `inference.create` returns: `{ inf_id }`, the new deployment's id. */
export type CreatedDeployment = Schemas['CreateResult']['message'];
/** The error body every failed call carries. */
export type ErrorResponse = Schemas['ErrorResponse'];
/** Why one field of a request was rejected: a dotted `field` path and a `message`. */
export type FieldError = Schemas['FieldError'];
