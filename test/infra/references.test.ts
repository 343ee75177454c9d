import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Reference, readTerraformModule, referencesIn, stringsIn, type TerraformModule } from '../support/terraform-config.js';

const infraDir = fileURLToPath(new URL('../../infra/', import.meta.url));
const exampleDir = join(infraDir, 'examples/basic');

let infra: TerraformModule;
let example: TerraformModule;

beforeAll(async () => {
  infra = await readTerraformModule(infraDir);
  example = await readTerraformModule(exampleDir);
});

/** Every reference in a module, with where it was found. */
function referencesOf(module: TerraformModule): { where: string; reference: Reference }[] {
  const sections = {
    variable: module.variables,
    locals: module.locals,
    resource: module.resources,
    data: module.data,
    module: module.modules,
    output: module.outputs,
  };
  return Object.entries(sections).flatMap(([section, blocks]) =>
    stringsIn(blocks).flatMap(({ path, text }) => referencesIn(text).map((reference) => ({ where: `${section}.${path}`, reference }))),
  );
}

function unresolved(module: TerraformModule, outputsOf: Record<string, TerraformModule> = {}): string[] {
  const declared: Record<Reference['kind'], (r: Reference) => boolean> = {
    var: (r) => r.name in module.variables,
    local: (r) => r.name in module.locals,
    data: (r) => r.name in module.data,
    resource: (r) => r.name in module.resources,
    module: (r) => r.name in module.modules && (r.attribute === undefined || r.attribute in (outputsOf[r.name]?.outputs ?? {})),
  };
  return referencesOf(module)
    .filter(({ reference }) => !declared[reference.kind](reference))
    .map(({ where, reference }) => `${where}: ${reference.kind} ${reference.name}${reference.attribute ? `.${reference.attribute}` : ''}`);
}

describe('Terraform module references', () => {
  it('resolves every var, local, data source and resource the module refers to', () => {
    expect(unresolved(infra)).toEqual([]);
    // The check itself must see references, or it proves nothing.
    expect(referencesOf(infra).length).toBeGreaterThan(100);
  });

  it('uses every variable it declares', () => {
    const used = new Set(referencesOf(infra).flatMap(({ reference }) => (reference.kind === 'var' ? [reference.name] : [])));
    expect(Object.keys(infra.variables).filter((name) => !used.has(name))).toEqual([]);
  });

  it('types and describes every variable and describes every output', () => {
    for (const [name, variable] of Object.entries(infra.variables)) {
      expect({ name, typed: typeof variable.type === 'string' }).toEqual({ name, typed: true });
      expect({ name, described: String(variable.description ?? '').length > 20 }).toEqual({ name, described: true });
    }
    for (const [name, output] of Object.entries(infra.outputs)) {
      expect({ name, described: String(output.description ?? '').length > 10 }).toEqual({ name, described: true });
    }
  });

  it('validates the variables whose values can be listed or checked', () => {
    const validated = Object.entries(infra.variables)
      .filter(([, variable]) => variable.validation)
      .map(([name]) => name);
    expect(validated).toEqual(
      expect.arrayContaining([
        'name_prefix',
        'policy_file',
        'state_machine_type',
        'state_machine_log_level',
        'log_retention_days',
        'schedule_expression',
        'tags',
      ]),
    );
  });

  it('lets the example configuration use the module and only outputs the module has', () => {
    expect(example.modules.sechub_alerts?.source).toBe('../..');
    expect(unresolved(example, { sechub_alerts: infra })).toEqual([]);
    const required = Object.entries(infra.variables)
      .filter(([, variable]) => !('default' in variable))
      .map(([name]) => name);
    for (const name of required) expect(example.modules.sechub_alerts).toHaveProperty(name);
    expect(Object.keys(example.modules.sechub_alerts ?? {}).filter((key) => key !== 'source' && !(key in infra.variables))).toEqual([]);
  });

  it('documents every variable and output in infra/README.md and every variable in the README', () => {
    const moduleDocs = readFileSync(join(infraDir, 'README.md'), 'utf8');
    const readme = readFileSync(join(infraDir, '../README.md'), 'utf8');
    const deploySection = readme.slice(readme.indexOf('## Deploy to AWS'), readme.indexOf('\n## ', readme.indexOf('## Deploy to AWS') + 1));
    const rows = (text: string) => new Set([...text.matchAll(/^\| `([\w-]+)` \|/gm)].map((m) => m[1]));
    for (const name of Object.keys(infra.variables)) {
      expect({ name, inModuleDocs: rows(moduleDocs).has(name), inReadme: rows(deploySection).has(name) }).toEqual({
        name,
        inModuleDocs: true,
        inReadme: true,
      });
    }
    for (const name of Object.keys(infra.outputs))
      expect({ name, documented: rows(moduleDocs).has(name) }).toEqual({ name, documented: true });
    expect(deploySection).toMatch(/per million findings.*\n?.*docs\/benchmarks\.md/s);
  });
});
