// check.ts rejects, in a built file, what the real Espruino interpreter treats differently from
// V8 (found running the built files in Espruino 2v29 for Linux), and the firmware builds pass it.
import t from 'tap';
import { checkEspruino } from '../../firmware/targets/espruino/check.ts';
import { buildEspruino } from '../../firmware/targets/espruino/bundle.ts';

const rejected: [string, string, RegExp][] = [
  ['an arrow using this in a ?: branch (esbuild writes if/else so: Core.receive)', 'class C{f(a){a?g(()=>this.x):h()}}', /arrow function using `this` in a branch/],
  ['an arrow using this after &&', 'class C{f(a){a&&g(m=>this.y(m))}}', /arrow function using `this` in a branch/],
  ['an arrow using this in an else branch', 'class C{f(a){if(a)h();else g(()=>this.x)}}', /arrow function using `this` in a branch/],
  ['a closure over a for loop let', 'for(let i=0;i<3;i++)fs.push(()=>i);', /closure over a for loop's let/],
  ['a closure over a for-in const', 'for(const k in o)d(o,k,{get:()=>o[k]});', /closure over a for loop's let/],
  ['a computed key in an object literal', 'var L={[1]:[]};', /computed key/],
];
for (const [what, code, why] of rejected) {
  t.test(`rejects ${what}`, async (t) => {
    const problems = checkEspruino(code);
    t.equal(problems.length, 1, problems.join('\n'));
    t.match(problems[0], why);
  });
}

t.test('accepts the same without the difference', async (t) => {
  t.same(checkEspruino('class C{constructor(){this.cb=m=>this.y(m)}f(a){a?g(this.cb):h()}}'), [], 'arrow made once, unconditionally');
  t.same(checkEspruino('class C{f(a){a?g(()=>1):h()}}'), [], 'an arrow without this in a branch');
  t.same(checkEspruino('for(let i=0;i<3;i++)fs.push(function(j){return j}(i));'), [], 'a closure not using the loop variable');
  t.same(checkEspruino('var L={1:[]};'), [], 'a plain numeric key');
});

t.test('the core passes it (Core.receive makes its callbacks once)', async (t) => {
  const r = await buildEspruino({ entry: 'test/firmware/harness.ts', globalName: 'H' });
  t.same(checkEspruino(r.code), []);
});
