/**
 * The part of OpenAPI 3.0 this generator writes. Kept to what is used, so a
 * reader (the CLI's help, the panel) can walk a document without casts.
 */
export interface JsonSchema {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
  format?: string;
  enum?: readonly (string | number)[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  maxLength?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  nullable?: boolean;
  writeOnly?: boolean;
  readOnly?: boolean;
  oneOf?: JsonSchema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  $ref?: string;
  /** Plugin types that accept the property (SDN objects). */
  'x-sdn-types'?: string[];
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'DELETE'];

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }>; $ref?: string } | { $ref: string }>;
  security?: Record<string, string[]>[];
  /** A mounted route the route table does not describe (the coverage test refuses these). */
  'x-undocumented'?: boolean;
}

export type PathItem = Partial<Record<Lowercase<HttpMethod>, Operation>>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  servers: { url: string; description?: string }[];
  tags: { name: string; description?: string }[];
  paths: Record<string, PathItem>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
    securitySchemes: Record<string, { type: 'apiKey'; in: 'header' | 'cookie'; name: string; description?: string }>;
  };
}
