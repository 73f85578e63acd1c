// Generated from the server's OpenAPI document (packages/server/src/http/openapi.ts) by
// packages/web/scripts/api-types.ts: do not edit. Regenerate with `npm run api-types`.
export type components = {
  schemas: {
    Access: {
      /** @enum {string} */
      access: 'read' | 'write' | 'admin';
    };
    ApiKey: {
      admin: boolean;
      /** @description ISO 8601 time */
      created_at: string;
      created_by: string;
      id: string;
      login: string;
      name: string;
      teams: string[];
    };
    ApiKeyCreate: {
      admin?: boolean;
      login?: string;
      name: string;
      teams?: string[];
    };
    AuditEvent: {
      action: string;
      actor: string;
      /** @description ISO 8601 time */
      at: string;
      /** @description Slack channel of a Slack request */
      channel: string | null;
      /** @enum {string} */
      decision: 'allowed' | 'denied' | 'error';
      detail: string | null;
      id: number;
      target: string;
    };
    Error: {
      error: {
        code: string;
        message: string;
      };
    };
    Health: {
      /** @constant */
      status: 'ok';
    };
    Me: {
      admin: boolean;
      login: string;
      name: string;
      teams: string[];
    };
    NewApiKey: components['schemas']['ApiKey'] & {
      /** @description Shown once, at creation */
      secret: string;
    };
    Policy: {
      attached_stacks?: string[];
      body: string;
      /** @description ISO 8601 time */
      created_at: string;
      id: string;
      labels: string[];
      last_error: string | null;
      last_error_at: string | null;
      name: string;
      /** @enum {string} */
      rego_version: 'v1' | 'v0';
      revision: number;
      /** @enum {string} */
      type: 'ACCESS' | 'APPROVAL' | 'NOTIFICATION';
      /** @description ISO 8601 time */
      updated_at: string;
    };
    PolicyCreate: {
      body: string;
      id: string;
      labels?: string[];
      name?: string;
      /** @enum {string} */
      rego_version?: 'v1' | 'v0';
      /** @enum {string} */
      type: 'ACCESS' | 'APPROVAL' | 'NOTIFICATION';
    };
    PolicyEvaluate: {
      body: string;
      input: {
        [key: string]: unknown;
      };
      /** @enum {string} */
      rego_version?: 'v1' | 'v0';
      /**
       * @description Which rules to evaluate (default ACCESS)
       * @enum {string}
       */
      type?: 'ACCESS' | 'APPROVAL' | 'NOTIFICATION';
    };
    PolicyEvaluation: {
      /**
       * @description ACCESS policies: the access this policy alone grants
       * @enum {string}
       */
      access: 'none' | 'read' | 'write';
      error: string | null;
      /** @description Whether each rule of the type is true */
      rules: {
        [key: string]: boolean;
      };
      /** @enum {string} */
      type: 'ACCESS' | 'APPROVAL' | 'NOTIFICATION';
      /** @description The value of each rule that is defined (sets as arrays), e.g. the messages of `slack` */
      values: {
        [key: string]: unknown;
      };
    };
    PolicyPatch: {
      body?: string;
      labels?: string[];
      name?: string;
      /** @enum {string} */
      rego_version?: 'v1' | 'v0';
    };
    ResourceChange: {
      /** @enum {string} */
      action: 'create' | 'update' | 'delete' | 'replace' | 'read' | 'forget' | 'other';
      /** @description Terraform's own list of actions, e.g. ["delete", "create"] */
      actions: string[];
      address: string;
    };
    Run: {
      commit: {
        author: string;
        hash: string;
        message: string;
      } | null;
      /** @description ISO 8601 time */
      created_at: string;
      delta: {
        add: number;
        change: number;
        destroy: number;
      } | null;
      history: components['schemas']['RunHistoryEntry'][];
      id: string;
      /** @description Planned resource changes from the saved plan (tool presets); null when not known */
      resource_changes: components['schemas']['ResourceChange'][] | null;
      stack_id: string;
      state: components['schemas']['RunState'];
      triggered_by: string;
      /** @constant */
      type: 'TRACKED';
      /** @description ISO 8601 time */
      updated_at: string;
    };
    RunHistoryEntry: {
      /** @description ISO 8601 time */
      at: string;
      by: string | null;
      note: string | null;
      state: components['schemas']['RunState'];
    };
    RunLogs: {
      /** @description Pass back as `after` to get only newer output */
      cursor: number;
      logs: {
        phase: string;
        text: string;
      }[];
      run_id: string;
      state: components['schemas']['RunState'];
    };
    /** @enum {string} */
    RunState:
      | 'QUEUED'
      | 'PREPARING'
      | 'INITIALIZING'
      | 'PLANNING'
      | 'UNCONFIRMED'
      | 'CONFIRMED'
      | 'APPLYING'
      | 'FINISHED'
      | 'FAILED'
      | 'DISCARDED'
      | 'CANCELED'
      | 'STOPPED';
    RunTrigger: {
      commit?: {
        author?: string;
        hash: string;
        message?: string;
      };
    };
    SessionInfo: {
      me: components['schemas']['Me'] | null;
      signed_in: boolean;
    };
    SignIn: {
      api_key: string;
    };
    SlackIntegration: {
      bot_user_id: string | null;
      configured: boolean;
      connected: boolean;
      deactivated_at: string | null;
      /** @description Why an earlier link stopped working */
      deactivated_reason: string | null;
      enterprise: {
        id: string;
        name: string;
      } | null;
      install_url: string | null;
      installed_at: string | null;
      installed_by: string | null;
      is_enterprise_install: boolean;
      manifest_url: string;
      missing_env: string[];
      scopes: string[];
      team: {
        id: string;
        name: string;
      } | null;
    };
    Stack: {
      administrative: boolean;
      autodeploy: boolean;
      branch: string | null;
      /** @description null: the tool's standard workflow (init, plan to a saved plan, apply that plan) */
      commands: {
        apply: string;
        init: string | null;
        plan: string;
      } | null;
      /** @description ISO 8601 time */
      created_at: string;
      description: string;
      /** @description Values are shown to admins only; others see "********". */
      env: {
        [key: string]: string;
      };
      id: string;
      labels: string[];
      locked_by: string | null;
      name: string;
      namespace: string | null;
      project_root: string | null;
      repository: string | null;
      /** @description State of the stack's latest tracked run */
      state: components['schemas']['RunState'] | 'NONE';
      terraform_version: string | null;
      /** @description Tool preset; null: custom commands */
      tool: ('terraform' | 'opentofu') | null;
      /** @description ISO 8601 time */
      updated_at: string;
    };
    StackCreate: {
      administrative?: boolean;
      autodeploy?: boolean;
      branch?: string | null;
      /** @description Omitted or null with a tool: the tool's standard workflow */
      commands?: {
        apply: string;
        init?: string | null;
        plan: string;
      } | null;
      description?: string;
      env?: {
        [key: string]: string;
      };
      id: string;
      labels?: string[];
      name?: string;
      namespace?: string | null;
      project_root?: string | null;
      repository?: string | null;
      terraform_version?: string | null;
      /** @description Tool preset (docs/runs.md): with a tool, `commands` may be omitted for its standard workflow */
      tool?: ('terraform' | 'opentofu') | null;
    };
    StackOverview: components['schemas']['Stack'] & {
      /** @enum {string} */
      access: 'read' | 'write' | 'admin';
      latest_run: components['schemas']['Run'] | null;
    };
    StackPatch: {
      administrative?: boolean;
      autodeploy?: boolean;
      branch?: string | null;
      commands?: {
        apply?: string;
        init?: string | null;
        plan?: string;
      } | null;
      description?: string;
      env?: {
        [key: string]: string;
      };
      labels?: string[];
      locked_by?: string | null;
      name?: string;
      namespace?: string | null;
      project_root?: string | null;
      repository?: string | null;
      terraform_version?: string | null;
      /** @description Tool preset (docs/runs.md): with a tool, `commands` may be omitted for its standard workflow */
      tool?: ('terraform' | 'opentofu') | null;
    };
    Subscription: {
      channel_id: string;
      channel_name: string;
      /** @description ISO 8601 time */
      created_at: string;
      created_by: string;
      /** @description Why delivery to the channel stopped */
      disabled_reason: string | null;
    };
  };
  responses: never;
  parameters: never;
  requestBodies: never;
  headers: never;
  pathItems: never;
};
