"""The report's stylesheet, inlined in the page: no external file, legible in print."""

CSS = """
:root { --pass: #1a7f37; --fail: #cf222e; --idle: #8a6100; --manual: #0550ae; --line: #d0d7de;
  --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328;
  margin: 0 auto; max-width: 1200px; padding: 0 24px 48px; }
header { border-bottom: 3px solid #1f2328; margin-bottom: 16px; }
h1 { font-size: 24px; margin: 20px 0 4px; } h2 { font-size: 20px; margin-top: 32px;
  border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 0 0 6px; } h4 { font-size: 15px; margin: 0 0 4px; }
h5 { font-size: 12px; margin: 0 0 2px; text-transform: uppercase; color: var(--muted); }
.target { color: var(--muted); margin: 0 0 10px; }
a { color: #0969da; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; padding: 6px 8px;
  background: #f6f8fa; border: 1px solid var(--line); border-radius: 4px; }
.summary { display: flex; gap: 24px; align-items: stretch; flex-wrap: wrap; }
.verdict { flex: 1 1 320px; border: 3px solid; border-radius: 8px; padding: 16px 20px; }
.verdict .word { font-size: 40px; font-weight: 800; letter-spacing: 1px; line-height: 1.1; }
.verdict p { margin: 8px 0 0; font-size: 15px; }
.conformant { border-color: var(--pass); color: var(--pass); background: #dafbe1; }
.not-conformant { border-color: var(--fail); color: var(--fail); background: #ffebe9; }
table { border-collapse: collapse; }
.facts th { text-align: left; padding: 2px 12px 2px 0; color: var(--muted); font-weight: 600; }
.facts td { padding: 2px 0; }
.counts { margin: 6px 0; font-size: 15px; }
.c-passed b { color: var(--pass); } .c-failed b { color: var(--fail); }
.c-skipped b, .c-not-tested b { color: var(--idle); } .c-manual b { color: var(--manual); }
.failures li { margin: 2px 0; }
.areas th, .areas td { border-bottom: 1px solid var(--line); padding: 2px 8px;
  text-align: left; vertical-align: middle; }
.areas thead th { background: #f6f8fa; } .areas .num { text-align: right; }
.bar { display: block; } .bar .track { fill: #f6f8fa; stroke: var(--line); }
.b-passed { fill: var(--pass); } .b-failed { fill: var(--fail); } .b-skipped { fill: var(--idle); }
.bar [data-status] { stroke: #fff; stroke-width: 1; }  /* segments stay apart in grey print */
.slowest { font-size: 14px; }
.muted, .secs, .none { color: var(--muted); }
.coverage { width: 100%; } .coverage th, .coverage td { border-bottom: 1px solid var(--line);
  padding: 4px 8px; text-align: left; vertical-align: top; }
.coverage thead th { background: #f6f8fa; } .coverage .id { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px;
  border-radius: 10px; color: #fff; background: var(--muted); white-space: nowrap;
  vertical-align: middle; }
.s-passed { background: var(--pass); } .s-failed { background: var(--fail); }
.s-not-tested, .s-skipped, .s-undefined { background: var(--idle); }
.s-manual { background: var(--manual); }
.requirement { border: 1px solid var(--line); border-left: 6px solid var(--muted);
  border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
.v-passed { border-left-color: var(--pass); } .v-failed { border-left-color: var(--fail); }
.v-not-tested { border-left-color: var(--idle); } .v-manual { border-left-color: var(--manual); }
.req-text { font-size: 15px; font-weight: 600; margin: 4px 0; }
.source { font-style: italic; margin: 4px 0; } .meta { color: var(--muted); margin: 4px 0; }
.note { background: #fff8c5; border: 1px solid #e3c463; padding: 6px 10px; border-radius: 4px; }
.scenario { border-top: 1px dashed var(--line); padding: 10px 0 4px; margin-top: 10px; }
.failure { border: 2px solid var(--fail); background: #fff5f5; border-radius: 6px;
  padding: 10px 14px; margin: 8px 0; break-inside: avoid; }
.failure-title { color: var(--fail); font-weight: 800; font-size: 16px; }
.failure .lead { margin: 6px 0 2px; font-weight: 600; } .rules { margin: 0 0 6px; }
.eg, .sr { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.expected pre { border-color: var(--pass); background: #f0fff4; }
.got pre { border-color: var(--fail); background: #fff0f0; }
.steps { list-style: none; padding-left: 0; margin: 6px 0; }
.step { padding: 3px 0 3px 8px; border-left: 3px solid var(--line); margin: 2px 0; }
.st-passed { border-left-color: var(--pass); } .st-failed { border-left-color: var(--fail);
  background: #fff5f5; } .st-skipped { color: var(--muted); }
.secs { float: right; font-size: 12px; }
.step-error { color: var(--fail); font-weight: 600; margin: 2px 0; }
.docstring, .datatable { margin: 4px 0 4px 24px; }
.datatable td { border: 1px solid var(--line); padding: 1px 6px; font-size: 12px; }
.exchange { margin: 3px 0 3px 24px; }
.exchange summary { cursor: pointer; font-size: 13px; }
.exchange .actor { font-weight: 600; } .http { font-family: ui-monospace, monospace; }
.sr { margin: 4px 0 6px; }
@page { margin: 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
  .requirement, .scenario { break-inside: auto; } h2, h3, h4 { break-after: avoid; }
  #requirements { break-before: page; }
  .areas { break-inside: avoid; }
  pre { font-size: 10px; }
}
"""
