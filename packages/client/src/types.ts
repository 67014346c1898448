import type { components } from './generated/schema.js';

type Schemas = components['schemas'];
// The friendly object types are interfaces that extend the generated ones, so that editors show
// them by name (`Promise<InferenceDeployment>`) instead of their structure.
type Schema<K extends keyof Schemas> = Schemas[K];
type CreateMessage = Schemas['CreateResult']['message'];

// A union of its own (`| never` changes nothing else), so that editors show it by this name.
/** The body of `inference.create`: what to deploy and how (`name`, `model` and one controller are required). */
export type InferenceDeploymentCreate = Schemas['InferenceDeploymentCreate'] | never;
/** A deployment as the API returns it: its settings plus `id`, `status`, `link`, costs and times. */
export interface InferenceDeployment extends Schema<'InferenceDeployment'> {}
/** The settings shared by the create request and the stored deployment. */
export interface DeploymentSettings extends Schema<'DeploymentSettings'> {}
/** `PROVISIONING`, `ACTIVE`, `INACTIVE`, `FAILED`, `DELETING` or `DELETED`. */
export type DeploymentStatus = Schemas['DeploymentStatus'];
/** A GPU type (`A100_80GB`, `H100_80GB_SXM`, `L4`, ...). */
export type GpuType = Schemas['GpuType'];
/** A cloud provider (`AWS`, `GCP`, `SCALEGENAI`, ...). */
export type CloudProvider = Schemas['CloudProvider'];
/** A cloud provider and the regions it may use. */
export interface CloudProviderConfig extends Schema<'CloudProviderConfig'> {}
/** `llm`, `embedding`, `tti` or `vlm`. */
export type InferenceType = Schemas['InferenceType'];
/** The serving engine: `vllm`, `tei`, `nim`, `lmdeploy`, `nos` or `friendli`. */
export type InferenceEngine = Schemas['InferenceEngine'];
/** The metric the autoscaler steers by. */
export type AutoscalingStrategy = Schemas['AutoscalingStrategy'];
/** When to add and remove workers. */
export interface AutoscalingConfig extends Schema<'AutoscalingConfig'> {}
/** How many workers to start with and on which GPUs. */
export interface InitialWorkerConfig extends Schema<'InitialWorkerConfig'> {}
/** Run the controller in a cloud. */
export interface ControllerCloudConfig extends Schema<'ControllerCloudConfig'> {}
/** Run the controller on premises. */
export interface ControllerOnPremConfig extends Schema<'ControllerOnPremConfig'> {}
/** A LoRA adapter to serve, with its token if private (create request). */
export interface LlmLoraCreate extends Schema<'LlmLoraCreate'> {}
/** A LoRA adapter served by a deployment (as returned, without token). */
export interface LlmLora extends Schema<'LlmLora'> {}
/** What `inference.create` returns: `{ inf_id }`, the new deployment's id. */
export interface CreatedDeployment extends CreateMessage {}
/** The error body every failed call carries. */
export interface ErrorResponse extends Schema<'ErrorResponse'> {}
/** Why one field of a request was rejected: a dotted `field` path and a `message`. */
export interface FieldError extends Schema<'FieldError'> {}
