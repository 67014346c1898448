import type { components } from './generated/schema.js';

type Schemas = components['schemas'];
// The friendly object types are interfaces that extend the generated ones, so that editors show
// them by name (`Promise<InferenceDeployment>`) instead of their structure.
type Schema<K extends keyof Schemas> = Schemas[K];
type CreateMessage = Schemas['CreateResult']['message'];

type CreateSchema = Schemas['InferenceDeploymentCreate'];
/** The same properties as `T`, in a type of its own. */
type Own<T> = { [K in keyof T]: T[K] };
/**
 * The body of `inference.create`: what to deploy and how (`name`, `model` and one controller are
 * required). The same type as the spec's, its three forms listed so that a body without a
 * controller is told about `controller_cloud_config`, not about the deprecated `gateway_config`
 * (the compiler names the last form of a union in its error).
 */
export type InferenceDeploymentCreate =
  | Own<Extract<CreateSchema, { gateway_config: object }>>
  | Own<Extract<CreateSchema, { controller_on_prem_config: object }>>
  | Own<Extract<CreateSchema, { controller_cloud_config: object }>>;
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
