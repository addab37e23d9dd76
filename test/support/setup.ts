// @hono/zod-openapi extends zod when it is first imported, and zod 4 gives each schema its
// methods when the schema is created: load it before any test module builds a schema.
import '@hono/zod-openapi';
