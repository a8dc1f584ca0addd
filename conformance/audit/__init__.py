"""`vsb audit`: the MBE-side checks over recorded traffic (docs/audit.md).

The reference application is the oracle: a violation by MBE software is a message it refused,
rejected or put under review naming a requirement that binds MBE software, plus the few MBE
duties only visible across messages. When the registry and MBEs are at hand, the messages are
replayed through a fresh reference application at their recorded moments, and where the
recorded answers disagree with it is reported apart.

Modules (imported by name: `vsb` loads `cli` on every start, so this package imports nothing):
`traffic` reads the JSON Lines, `exchanges` pairs messages and answers, `replay` and `compare`
replay them through the reference, `verdicts` holds the core rule, `checks` the cross-message
checks (one per MBE duty no answer shows), `run` the audit (`audit(AuditOptions(...))`),
`render` the reports, `score` precision and recall against the simulator's ground truth, `cli`
the sub-command.
"""
