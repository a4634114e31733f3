#!/usr/bin/env node
// Peer engine for phiward differential testing and benchmarking.
//
//   node run.mjs CASES.json [--peer-context] [--no-guards] [--no-date-fix] [--explain]
//
// Reads a case file in phiward's format (shared/spec/authorization-cases.md) and runs
// every case through @cloud-copilot/iam-simulate's documented `runSimulation` API
// (Strict mode). Prints one JSON line per case, in input order:
//   {"id": ..., "decision": "Allowed"|"ImplicitlyDenied"|"ExplicitlyDenied"}
//   {"id": ..., "error": "..."}
// and a summary (agreement with "expected", errors, timings) on stderr.
//
// By default the case is mapped as faithfully as the peer allows; three flags give back the
// peer's stock behaviour instead:
// --peer-context runSimulation drops request-context keys that iam-data does not list for
//                the action/resource type ("ignoredContextKeys") and coerces values to the
//                key's known single/multi-valued type. By default every context key is
//                passed exactly as given in the case (phiward's spec: the context is the
//                complete request context); this flag keeps the peer's filtering. Bypassing
//                it patches the two lookup methods of the package's RequestContextImpl;
//                policy validation and decision logic are the unmodified runSimulation.
// --no-guards    evaluate even the cases that hit a known gap of the peer (see unmodeled()
//                below); by default those get {"error": "peer does not model: ..."}.
// --no-date-fix  pass Date* condition values as written (see normalizeDates() below); by
//                default a value in epoch seconds compared with an ISO 8601 context value
//                (or the reverse) is rewritten into the context value's form.
// --explain      add "keysPeerWouldDrop" (or "ignoredContextKeys" with --peer-context),
//                "blockedBy" and, for errors, the raw peer error object to each line.

import { readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'

const tImport0 = performance.now()
const sim = await import('@cloud-copilot/iam-simulate')
const tImport1 = performance.now()
const { runSimulation, anonymousPrincipal } = sim

const args = process.argv.slice(2)
const flags = new Set(args.filter((a) => a.startsWith('--')))
const files = args.filter((a) => !a.startsWith('--'))
const KNOWN_FLAGS = ['--peer-context', '--no-guards', '--no-date-fix', '--explain']
const unknown = [...flags].filter((f) => !KNOWN_FLAGS.includes(f))
if (files.length !== 1 || unknown.length > 0) {
  console.error('usage: node run.mjs CASES.json [--peer-context] [--no-guards] [--no-date-fix] [--explain]')
  process.exit(2)
}
const RAW_CONTEXT = !flags.has('--peer-context')
const EXPLAIN = flags.has('--explain')
const GUARDS = !flags.has('--no-guards')
const DATE_FIX = !flags.has('--no-date-fix')

const tRead0 = performance.now()
const cases = JSON.parse(readFileSync(files[0], 'utf8'))
const tRead1 = performance.now()
if (!Array.isArray(cases)) {
  console.error('case file must hold a JSON array')
  process.exit(2)
}

// ---------------------------------------------------------------------------
// Mapping phiward case -> iam-simulate Simulation
// ---------------------------------------------------------------------------

class Unsupported extends Error {}

function arnAccount(arn) {
  if (typeof arn !== 'string' || !arn.startsWith('arn:')) return undefined
  const parts = arn.split(':')
  return parts.length >= 6 && parts[4] !== '' ? parts[4] : undefined
}

function resourceAccountOf(req) {
  if (req.resourceAccount) return String(req.resourceAccount)
  const fromArn = arnAccount(req.resource)
  if (fromArn) return fromArn
  const fromPrincipal = arnAccount(req.principal)
  if (fromPrincipal) return fromPrincipal
  throw new Unsupported('cannot determine resource account (no resourceAccount, no account in resource or principal ARN)')
}

function orgLevels(levels, kind) {
  if (levels === undefined || levels === null) return []
  if (!Array.isArray(levels)) throw new Unsupported(`${kind} must be an array of levels`)
  // iam-simulate models org levels as an ordered array of {orgIdentifier, policies},
  // root first, account last -- the same order as phiward's format.
  return levels.map((level, i) => {
    if (!Array.isArray(level)) throw new Unsupported(`${kind}[${i}] must be an array of policies`)
    return {
      orgIdentifier: i === 0 ? 'r-root' : i === levels.length - 1 ? 'account' : `ou-level-${i}`,
      policies: level.map((policy, j) => ({ name: `${kind}-${i}-${j}`, policy }))
    }
  })
}

// Known places where iam-simulate 0.1.173 does not model AWS behaviour as described in
// authorization-cases.md. A case that hits one gets an "error" naming the gap instead of a
// guessed decision (disable with --no-guards to see what the peer answers anyway).
function statementsOf(policy) {
  if (!policy || typeof policy !== 'object') return []
  const st = policy.Statement
  return Array.isArray(st) ? st : st && typeof st === 'object' ? [st] : []
}

function awsPrincipals(elem) {
  if (elem === undefined || elem === null || typeof elem === 'string') return []
  const aws = elem.AWS
  return Array.isArray(aws) ? aws : typeof aws === 'string' ? [aws] : []
}

function allPolicies(c) {
  return [
    ...(c.identityPolicies ?? []),
    ...(c.resourcePolicy ? [c.resourcePolicy] : []),
    ...(c.permissionBoundaries ?? []),
    ...(c.scps ?? []).flat(),
    ...(c.rcps ?? []).flat(),
    ...(c.sessionPolicy ? [c.sessionPolicy] : [])
  ]
}

function unmodeled(c) {
  const principal = c.request?.principal
  const isSession = typeof principal === 'string' && /^arn:[^:]+:sts::[^:]*:(assumed-role|federated-user)\//.test(principal)
  const isFederated = typeof principal === 'string' && /^arn:[^:]+:sts::[^:]*:federated-user\//.test(principal)
  if (c.sessionPolicy && isSession && c.resourcePolicy) {
    const namesSession = statementsOf(c.resourcePolicy).some((s) =>
      [...awsPrincipals(s.Principal), ...awsPrincipals(s.NotPrincipal)].includes(principal)
    )
    if (namesSession) {
      return 'peer does not model: a resource policy naming the session ARN is not limited by the session policy (iam-simulate always requires the session policy to allow)'
    }
  }
  if (isFederated) {
    if (!c.sessionPolicy) {
      return 'peer does not model: a federated-user session without a session policy has no identity-based permissions'
    }
    const service = String(c.request?.action ?? '').split(':')[0].toLowerCase()
    if (service === 'iam' || service === 'sts') {
      return `peer does not model: federated-user (GetFederationToken) sessions cannot call ${service} APIs`
    }
  }
  for (const policy of allPolicies(c)) {
    if (policy && typeof policy === 'object' && policy.Version !== '2012-10-17' && JSON.stringify(policy).includes('${')) {
      return `peer does not model: policy variables are literal text in a policy with Version ${JSON.stringify(policy.Version ?? null)} (iam-simulate substitutes them anyway)`
    }
  }
  return null
}

// iam-simulate 0.1.173 compares dates as numbers: an all-digit value is taken as epoch
// *seconds* but an ISO 8601 value becomes epoch *milliseconds* (Date.parse), so a Date*
// condition comparing one form with the other gives the wrong answer. Both forms mean the
// same instant (authorization-cases.md: "dates are ISO 8601 UTC or epoch seconds"), so the
// mapping rewrites each Date* condition value into the form of the request's context value
// for that key. Same meaning, a form the peer compares correctly. --no-date-fix disables this.
function normalizeDates(policy, ctxLower) {
  let changed = false
  const fixStatement = (st) => {
    if (!st || typeof st !== 'object' || !st.Condition || typeof st.Condition !== 'object') return st
    const cond = {}
    for (const [op, block] of Object.entries(st.Condition)) {
      if (!/date/i.test(op) || !block || typeof block !== 'object') {
        cond[op] = block
        continue
      }
      const nb = {}
      for (const [key, vals] of Object.entries(block)) {
        const cv = ctxLower.get(key.toLowerCase())
        const sample = Array.isArray(cv) ? cv[0] : cv
        if (typeof sample !== 'string') {
          nb[key] = vals
          continue
        }
        const ctxEpoch = /^\d+$/.test(sample)
        const fix = (v) => {
          if (typeof v !== 'string') return v
          const vEpoch = /^\d+$/.test(v)
          if (vEpoch && !ctxEpoch) {
            changed = true
            return new Date(Number(v) * 1000).toISOString()
          }
          if (!vEpoch && ctxEpoch) {
            const ms = Date.parse(v)
            if (Number.isNaN(ms)) return v
            changed = true
            return String(Math.floor(ms / 1000))
          }
          return v
        }
        nb[key] = Array.isArray(vals) ? vals.map(fix) : fix(vals)
      }
      cond[op] = nb
    }
    return { ...st, Condition: cond }
  }
  if (!policy || typeof policy !== 'object') return policy
  const st = policy.Statement
  const out = { ...policy, Statement: Array.isArray(st) ? st.map(fixStatement) : fixStatement(st) }
  return changed ? out : policy
}

function withNormalizedDates(c) {
  const ctxLower = new Map(Object.entries(c.request?.context ?? {}).map(([k, v]) => [k.toLowerCase(), v]))
  const f = (p) => normalizeDates(p, ctxLower)
  const out = { ...c }
  if (Array.isArray(c.identityPolicies)) out.identityPolicies = c.identityPolicies.map(f)
  if (c.resourcePolicy) out.resourcePolicy = f(c.resourcePolicy)
  if (Array.isArray(c.permissionBoundaries)) out.permissionBoundaries = c.permissionBoundaries.map(f)
  if (Array.isArray(c.scps)) out.scps = c.scps.map((l) => (Array.isArray(l) ? l.map(f) : l))
  if (Array.isArray(c.rcps)) out.rcps = c.rcps.map((l) => (Array.isArray(l) ? l.map(f) : l))
  if (c.sessionPolicy) out.sessionPolicy = f(c.sessionPolicy)
  return out
}

function toSimulation(c) {
  const req = c.request
  if (!req || typeof req !== 'object') throw new Unsupported('case has no request')
  const principal = req.principal === 'anonymous' ? anonymousPrincipal : req.principal
  const simulation = {
    request: {
      principal,
      action: req.action,
      resource: { resource: req.resource, accountId: resourceAccountOf(req) },
      contextVariables: req.context ?? {}
    },
    identityPolicies: (c.identityPolicies ?? []).map((policy, i) => ({ name: `identity-${i}`, policy })),
    serviceControlPolicies: orgLevels(c.scps, 'scp'),
    resourceControlPolicies: orgLevels(c.rcps, 'rcp')
  }
  if (c.resourcePolicy !== undefined && c.resourcePolicy !== null) simulation.resourcePolicy = c.resourcePolicy
  if (Array.isArray(c.permissionBoundaries) && c.permissionBoundaries.length > 0) {
    // Several entries act as ONE boundary: iam-simulate evaluates all boundary policies
    // together (any allow / any deny across all their statements), which is the same thing.
    simulation.permissionBoundaryPolicies = c.permissionBoundaries.map((policy, i) => ({ name: `boundary-${i}`, policy }))
  }
  if (c.sessionPolicy !== undefined && c.sessionPolicy !== null) simulation.sessionPolicy = c.sessionPolicy
  // Anonymous requests: the peer rejects any identity policy, boundary, session policy or
  // SCP level ("anonymous.*.invalid"); passed through as given so that shows as an error.
  return simulation
}

// Full context (default; --peer-context turns it off): runSimulation builds its
// RequestContextImpl from the *normalized* context (keys unknown for the action dropped,
// values coerced to the key's known type). To bypass only that step, patch
// RequestContextImpl's two lookup methods so they read the case's context verbatim (keys
// case-insensitive, values as given). Everything else (policy validation, resource-type
// checks, decision logic) is the unmodified runSimulation. Cases run one at a time, so a
// module-level "current context" is safe.
let rawContext = null // Map(lowercased key -> ContextKeyImpl) for the case being evaluated
let makeRawContext = null
if (RAW_CONTEXT) {
  // The package's "exports" map only exposes its index; load the same module file by URL
  // (ESM caches by resolved URL, so this is the very class runSimulation uses).
  const base = new URL('./node_modules/@cloud-copilot/iam-simulate/dist/esm/', import.meta.url)
  const { RequestContextImpl, ContextKeyImpl } = await import(new URL('requestContext.js', base).href)
  const orig = {
    exists: RequestContextImpl.prototype.contextKeyExists,
    value: RequestContextImpl.prototype.contextKeyValue
  }
  RequestContextImpl.prototype.contextKeyExists = function (name) {
    return rawContext ? rawContext.has(name.toLowerCase()) : orig.exists.call(this, name)
  }
  RequestContextImpl.prototype.contextKeyValue = function (name) {
    return rawContext ? rawContext.get(name.toLowerCase()) : orig.value.call(this, name)
  }
  makeRawContext = (ctx) => {
    const m = new Map()
    for (const [k, v] of Object.entries(ctx ?? {})) m.set(k.toLowerCase(), new ContextKeyImpl(k, v))
    return m
  }
}

function describeError(errors) {
  if (!errors) return 'unknown error'
  const msg = errors.message ?? 'error'
  const detail = { ...errors }
  delete detail.message
  const keys = Object.keys(detail)
  if (keys.length === 0) return `peer rejected case: ${msg}`
  return `peer rejected case: ${msg} ${JSON.stringify(detail)}`
}

async function evaluate(c) {
  if (GUARDS) {
    const gap = unmodeled(c)
    if (gap) return { error: gap, raw: { guard: true } }
  }
  const simulation = toSimulation(DATE_FIX ? withNormalizedDates(c) : c)
  rawContext = RAW_CONTEXT ? makeRawContext(c.request.context) : null
  const response = await runSimulation(simulation, { simulationMode: 'Strict' })
  if (response.resultType === 'error') {
    return { error: describeError(response.errors), raw: response.errors }
  }
  const out = { decision: response.overallResult }
  if (response.resultType === 'single') {
    out.ignoredContextKeys = response.result.ignoredContextKeys
    out.blockedBy = response.result.analysis?.blockedBy
  } else {
    out.resultType = response.resultType
    out.ignoredContextKeys = [...new Set(response.results.flatMap((r) => r.ignoredContextKeys ?? []))]
  }
  return out
}

// ---------------------------------------------------------------------------
// Main loop
// ---------------------------------------------------------------------------

const VALID = new Set(['Allowed', 'ImplicitlyDenied', 'ExplicitlyDenied'])
let agree = 0
let disagree = 0
let errored = 0
let withExpected = 0
const disagreeIds = []
const errorIds = []
const lines = []
let firstCaseMs = 0

const tLoop0 = performance.now()
for (let i = 0; i < cases.length; i++) {
  const c = cases[i]
  const t0 = i === 0 ? performance.now() : 0
  const id = c && typeof c === 'object' && c.id !== undefined ? c.id : null
  let line
  try {
    const r = await evaluate(c)
    if (r.error !== undefined) {
      line = { id, error: r.error }
      if (EXPLAIN) line.peerError = r.raw
    } else if (!VALID.has(r.decision)) {
      line = { id, error: `peer returned unexpected decision ${JSON.stringify(r.decision)}` }
    } else {
      line = { id, decision: r.decision }
      if (EXPLAIN) {
        // keys iam-data does not list for this action: dropped with --peer-context,
        // passed through (and so possibly decisive) by default
        if (r.ignoredContextKeys?.length) {
          line[RAW_CONTEXT ? 'keysPeerWouldDrop' : 'ignoredContextKeys'] = r.ignoredContextKeys
        }
        if (r.blockedBy?.length) line.blockedBy = r.blockedBy
        if (r.resultType) line.resultType = r.resultType
      }
    }
  } catch (e) {
    line = { id, error: e instanceof Unsupported ? `unsupported: ${e.message}` : `peer threw: ${e?.message ?? e}` }
  }
  if (i === 0) firstCaseMs = performance.now() - t0
  lines.push(JSON.stringify(line))
  const expected = c?.expected
  if (line.error !== undefined) {
    errored++
    errorIds.push(id)
  } else if (expected !== undefined) {
    withExpected++
    if (line.decision === expected) agree++
    else {
      disagree++
      disagreeIds.push(id)
    }
  }
}
const tLoop1 = performance.now()

process.stdout.write(lines.length ? lines.join('\n') + '\n' : '')

const idList = (ids) => (ids.length > 40 ? ids.slice(0, 40).map(String).join(' ') + ` ... (${ids.length - 40} more)` : ids.map(String).join(' '))
const ms = (x) => `${x.toFixed(1)} ms`
const loopMs = tLoop1 - tLoop0
console.error(
  [
    `iam-simulate peer: ${cases.length} cases` + (RAW_CONTEXT ? '' : ' (--peer-context)') + (GUARDS ? '' : ' (--no-guards)') + (DATE_FIX ? '' : ' (--no-date-fix)'),
    `  agree with expected: ${agree}/${withExpected}   disagree: ${disagree}   errored: ${errored}` +
      (cases.length - withExpected - errored > 0 ? `   no expected: ${cases.length - withExpected - errored}` : ''),
    disagreeIds.length ? `  disagreeing: ${idList(disagreeIds)}` : null,
    errorIds.length ? `  errored: ${idList(errorIds)}` : null,
    `  evaluation loop: ${ms(loopMs)} (${(loopMs / Math.max(cases.length, 1)).toFixed(3)} ms/case; first case ${ms(firstCaseMs)}, rest ${ms(loopMs - firstCaseMs)})`,
    `  module import: ${ms(tImport1 - tImport0)}   read+parse cases: ${ms(tRead1 - tRead0)}   process uptime: ${ms(process.uptime() * 1000)}`
  ]
    .filter(Boolean)
    .join('\n')
)
