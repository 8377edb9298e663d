#!/usr/bin/env node
// Builds the TSV extract of @etalab/decoupage-administratif (pinned: 6.0.0).
//
// Usage: node build.mjs [PACKAGE_DIR]
//   PACKAGE_DIR defaults to ./node_modules/@etalab/decoupage-administratif
//   relative to this script's folder. Nothing is installed here: see
//   regenerate.sh, which installs the pinned version into a temp dir.
//
// Writes regions.tsv, departements.tsv, epci.tsv, communes.tsv next to this
// script, and copies the package's LICENSE to LICENSE-decoupage-administratif. Output is deterministic (rows sorted by code, members and postal
// codes sorted), so regenerating from the same package version gives
// byte-identical files.

import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const EXPECTED_VERSION = '6.0.0'
const OUT_DIR = dirname(fileURLToPath(import.meta.url))
const PKG_DIR = resolve(process.argv[2] ?? join(OUT_DIR, 'node_modules', '@etalab', 'decoupage-administratif'))

if (!existsSync(join(PKG_DIR, 'package.json'))) {
  console.error(`build.mjs: package not found in ${PKG_DIR}\nrun datasets/geo/regenerate.sh, or pass the package directory as first argument`)
  process.exit(2)
}

const readJson = (rel) => JSON.parse(readFileSync(join(PKG_DIR, rel), 'utf8'))

const pkg = readJson('package.json')
if (pkg.name !== '@etalab/decoupage-administratif' || pkg.version !== EXPECTED_VERSION) {
  throw new Error(`expected @etalab/decoupage-administratif@${EXPECTED_VERSION} in ${PKG_DIR}, found ${pkg.name}@${pkg.version}`)
}

const srcCommunes = readJson('data/communes.json')
const srcEpci = readJson('data/epci.json')
const srcDepartements = readJson('data/departements.json')
const srcRegions = readJson('data/regions.json')

// ---------------------------------------------------------------- helpers
const issues = [] // inconsistencies found in the source, and how they were handled
const note = (msg) => issues.push(msg)

// Plain code-unit order (not locale-dependent): "29" < "2A" < "2B" < "30", "94" < "971".
const byCode = (a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
const cmpStr = (a, b) => (a < b ? -1 : a > b ? 1 : 0)

const isPop = (v) => Number.isInteger(v) && v >= 0

function writeTsv (file, columns, rows) {
  const lines = [columns.join('\t')]
  for (const row of rows) {
    const cells = columns.map((col) => {
      const v = row[col]
      const s = v === undefined || v === null ? '' : String(v)
      if (/[\t\n\r]/.test(s)) throw new Error(`${file}: field ${col} of ${row.code} contains a tab or newline: ${JSON.stringify(s)}`)
      return s
    })
    lines.push(cells.join('\t'))
  }
  writeFileSync(join(OUT_DIR, file), lines.join('\n') + '\n', 'utf8')
  return rows.length
}

function uniqueMap (items, what) {
  const m = new Map()
  for (const it of items) {
    if (m.has(it.code)) throw new Error(`duplicate ${what} code ${it.code}`)
    m.set(it.code, it)
  }
  return m
}

// ---------------------------------------------------------------- regions / départements
const regions = uniqueMap(srcRegions.map((r) => ({ code: r.code, name: r.nom, population: null })), 'region')
const departements = uniqueMap(srcDepartements.map((d) => ({ code: d.code, name: d.nom, region: d.region, population: null })), 'departement')

for (const d of departements.values()) {
  if (!regions.has(d.region)) throw new Error(`departement ${d.code} references unknown region ${d.region}`)
}

// ---------------------------------------------------------------- communes
const typeCounts = {}
for (const c of srcCommunes) typeCounts[c.type] = (typeCounts[c.type] ?? 0) + 1

const communes = uniqueMap(
  srcCommunes
    .filter((c) => c.type === 'commune-actuelle')
    .map((c) => {
      const postal = [...new Set(c.codesPostaux ?? [])].sort(cmpStr)
      for (const p of postal) if (!/^\d{5}$/.test(p)) throw new Error(`commune ${c.code}: odd postal code ${JSON.stringify(p)}`)
      return {
        code: c.code,
        name: c.nom,
        departement: c.departement,
        region: c.region,
        epci: '',
        population: isPop(c.population) ? c.population : null,
        postal_codes: postal.join(' '),
        _zone: c.zone
      }
    }),
  'commune'
)

const noPopulation = []
const noPostal = []
for (const c of communes.values()) {
  if (!/^(\d{5}|2[AB]\d{3})$/.test(c.code)) throw new Error(`odd commune code ${c.code}`)
  if (!departements.has(c.departement)) throw new Error(`commune ${c.code} references unknown departement ${c.departement}`)
  if (!regions.has(c.region)) throw new Error(`commune ${c.code} references unknown region ${c.region}`)
  const depRegion = departements.get(c.departement).region
  if (depRegion !== c.region) {
    note(`commune ${c.code} ${c.name}: region ${c.region} differs from its departement's region ${depRegion}; kept the commune's own value`)
  }
  if (c.population === null) noPopulation.push(`${c.code} ${c.name}`)
  if (c.postal_codes === '') noPostal.push(`${c.code} ${c.name}`)
}

// ---------------------------------------------------------------- EPCI
// communes.json carries no EPCI reference: commune -> EPCI comes from epci.json's member lists.
const epci = new Map()
const memberNameDiffs = [] // informational: names are taken from communes.json (COG)
for (const e of srcEpci) {
  if (epci.has(e.code)) throw new Error(`duplicate EPCI code ${e.code}`)
  if (!/^\d{9}$/.test(e.code)) throw new Error(`odd EPCI SIREN ${e.code}`)
  const members = []
  for (const m of e.membres) {
    const c = communes.get(m.code)
    if (!c) {
      note(`EPCI ${e.code} ${e.nom}: member ${m.code} ${m.nom} is not a current commune; dropped from members`)
      continue
    }
    if (c.epci !== '') {
      note(`commune ${c.code} ${c.name} is a member of both ${c.epci} and ${e.code}; kept ${c.epci}, dropped from ${e.code}`)
      continue
    }
    c.epci = e.code
    members.push(m.code)
    if (m.nom !== c.name) memberNameDiffs.push(`${m.code} "${m.nom}" (EPCI file) vs "${c.name}" (communes.json)`)
  }
  members.sort(cmpStr)
  if (members.length === 0) note(`EPCI ${e.code} ${e.nom} has no current member commune; kept with empty members`)
  // The source gives the EPCI's own population (DGCL file); we keep its municipal population.
  let population = isPop(e.populationMunicipale) ? e.populationMunicipale : null
  if (population === null) {
    population = members.reduce((s, code) => s + (communes.get(code).population ?? 0), 0)
    note(`EPCI ${e.code} ${e.nom}: no populationMunicipale in source; used sum of member communes`)
  }
  epci.set(e.code, { code: e.code, name: e.nom, type: e.type, population, members: members.join(' '), _members: members })
}

// ---------------------------------------------------------------- populations of régions / départements
// The source has none: sum of the current communes' populations (arrondissements
// municipaux are excluded, so Paris/Lyon/Marseille are not double-counted).
// Empty when no member commune has a population (TAAF, Clipperton).
const sumInto = (target, c) => {
  if (c.population === null) return
  target.population = (target.population ?? 0) + c.population
}
for (const c of communes.values()) {
  sumInto(departements.get(c.departement), c)
  sumInto(regions.get(c.region), c)
}

// ---------------------------------------------------------------- final cross-reference check on what we write
for (const c of communes.values()) {
  if (c.epci !== '' && !epci.get(c.epci)._members.includes(c.code)) throw new Error(`commune ${c.code} -> EPCI ${c.epci} not reciprocal`)
}
for (const e of epci.values()) {
  for (const code of e._members) if (communes.get(code)?.epci !== e.code) throw new Error(`EPCI ${e.code} member ${code} not reciprocal`)
}

// ---------------------------------------------------------------- write
const sorted = (m) => [...m.values()].sort(byCode)
const counts = {
  regions: writeTsv('regions.tsv', ['code', 'name', 'population'], sorted(regions)),
  departements: writeTsv('departements.tsv', ['code', 'name', 'region', 'population'], sorted(departements)),
  epci: writeTsv('epci.tsv', ['code', 'name', 'type', 'population', 'members'], sorted(epci)),
  communes: writeTsv('communes.tsv', ['code', 'name', 'departement', 'region', 'epci', 'population', 'postal_codes'], sorted(communes))
}

// The package's own licence text travels with the extract.
copyFileSync(join(PKG_DIR, 'LICENSE'), join(OUT_DIR, 'LICENSE-decoupage-administratif'))

// ---------------------------------------------------------------- report
const countBy = (items, f) => {
  const o = {}
  for (const x of items) { const k = f(x); o[k] = (o[k] ?? 0) + 1 }
  return o
}
const withoutEpci = sorted(communes).filter((c) => c.epci === '')
const emptyPopAreas = [...sorted(departements).map((x) => ({ ...x, kind: 'departement' })), ...sorted(regions).map((x) => ({ ...x, kind: 'region' }))].filter((x) => x.population === null)

console.log(`source: ${pkg.name}@${pkg.version} (${PKG_DIR})`)
console.log(`source communes.json by type: ${JSON.stringify(typeCounts)} -> kept only commune-actuelle`)
console.log(`rows written: ${JSON.stringify(counts)}`)
console.log(`communes by zone: ${JSON.stringify(countBy(communes.values(), (c) => c._zone))}`)
console.log(`EPCI by type: ${JSON.stringify(countBy(epci.values(), (e) => e.type))}`)
console.log(`communes without EPCI: ${withoutEpci.length} (${JSON.stringify(countBy(withoutEpci, (c) => c._zone))}); outside COM: ${withoutEpci.filter((c) => c._zone !== 'com').map((c) => `${c.code} ${c.name}`).join(', ')}`)
const spanning = (key) => sorted(epci).filter((e) => new Set(e._members.map((code) => communes.get(code)[key])).size > 1)
console.log(`EPCI spanning several departements: ${spanning('departement').length}; several regions: ${spanning('region').length}`)
console.log(`communes without population (left empty): ${noPopulation.length}: ${noPopulation.join(', ')}`)
console.log(`communes without postal code (left empty): ${noPostal.length}: ${noPostal.join(', ')}`)
console.log(`departements/regions with empty population (no commune population at all): ${emptyPopAreas.map((x) => `${x.kind} ${x.code} ${x.name}`).join(', ')}`)
const popGap = sorted(epci).map((e) => ({ e, sum: e._members.reduce((s, code) => s + (communes.get(code).population ?? 0), 0) }))
const gapped = popGap.filter(({ e, sum }) => e.population !== sum)
console.log(`EPCI population (source, DGCL) differs from the sum of its communes' population in communes.tsv for ${gapped.length}/${popGap.length} EPCI (different census vintage); totals ${popGap.reduce((s, x) => s + x.e.population, 0)} vs ${popGap.reduce((s, x) => s + x.sum, 0)}`)
console.log(`EPCI member names differing from communes.json (communes.tsv uses communes.json): ${memberNameDiffs.length}: ${memberNameDiffs.join('; ')}`)
console.log('population: communes = source communes.population; EPCI = source populationMunicipale; departements/regions = sum of their communes (source has none)')
if (issues.length) {
  console.log(`inconsistencies handled: ${issues.length}`)
  for (const i of issues) console.log(`  - ${i}`)
} else {
  console.log('inconsistencies: none (all departement/region/EPCI references resolve, EPCI membership is one-to-one)')
}
