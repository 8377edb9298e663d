#!/usr/bin/env python3
"""Validate a Territoires framework file (default: sti-fr-v1.toml next to this script).

Usage: python3 datasets/framework/check.py [path/to/sti-fr-vN.toml]

Checks the schema and content rules of the STI-FR reference grid:
counts (5 levels, 12 dimensions, 56 criteria, 25 indicators, 8 challenges,
>= 10 assets), unique codes, FR/EN texts present, 5 level descriptors and
4 recommendations (0->1 .. 3->4) per criterion, valid horizon/cost/direction,
ascending indicator bands within [min, max], tags and dependencies pointing
at existing criteria, no duplicated recommendation text.
Exits 0 when every rule passes, 1 otherwise. Requires Python >= 3.11 (tomllib).
"""
from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).with_name("sti-fr-v1.toml")

DIM_ORDER = ["ECO", "MOB", "ENV", "PEO", "LIV", "GOV", "GPA", "TRA", "RCO", "ACC", "MEF", "DNI"]
THEMATIC = DIM_ORDER[:6]
TRANSVERSAL = DIM_ORDER[6:]
# criteria / indicators per dimension (domain model §5.5)
CRITERIA_PER_DIM = dict(ECO=5, MOB=5, ENV=5, PEO=4, LIV=5, GOV=5, GPA=5, TRA=4, RCO=4, ACC=5, MEF=4, DNI=5)
INDICATORS_PER_DIM = dict(ECO=4, MOB=4, ENV=4, PEO=4, LIV=4, GOV=3, DNI=2)
LEVEL_LABELS_FR = ["Absent", "Émergent", "Structuré", "Intégré", "Optimisé"]
HORIZONS = {"court", "moyen", "long"}
COSTS = {"faible", "moyen", "eleve"}
DIRECTIONS = {"higher_better", "lower_better"}
# challenge tags and their criteria (domain model §6.3)
CHALLENGES = {
    "deficit_transport_collectif": {"MOB-1", "MOB-2", "MOB-3"},
    "prevention_risques": {"ENV-5", "DNI-5", "GPA-4"},
    "securite": {"LIV-2", "GOV-5"},
    "politiques_dispersees": {"TRA-4", "GOV-1", "GPA-1", "TRA-1"},
    "fracture_numerique": {"PEO-1", "DNI-1", "GOV-2"},
    "transition_energetique": {"ENV-1", "ENV-2", "MOB-4"},
    "attractivite_economique": {"ECO-1", "ECO-3", "ECO-2"},
    "vieillissement_acces_soins": {"LIV-1", "LIV-5"},
}
REQUIRED_ASSETS = {"universite", "filiere_numerique", "tissu_associatif_fort", "patrimoine_touristique", "reseau_fibre_complet"}
# percentage indicators allowed above 100 % (Arcep FTTH rates can exceed 100 %)
PERCENT_OVER_100 = {"DNI-I1"}
PLACEHOLDERS = re.compile(r"lorem|ipsum|\bTODO\b|\bTBD\b|\bFIXME\b|XXX|\.\.\.|…|\?\?", re.IGNORECASE)

KEYS = {
    "framework": ({"code", "version", "name_fr", "name_en", "description_fr", "description_en"}, set()),
    "level": ({"level", "label_fr", "label_en", "generic_fr", "generic_en"}, set()),
    "dimension": ({"code", "kind", "name_fr", "name_en", "description_fr", "description_en"}, {"giffinger_fr", "giffinger_en"}),
    "criterion": ({"code", "dimension", "name_fr", "name_en", "description_fr", "description_en",
                   "giffinger_factors", "weight", "levels_fr", "levels_en", "recommendation"}, set()),
    "recommendation": ({"from", "to", "horizon", "cost", "text_fr", "text_en"}, set()),
    "indicator": ({"code", "dimension", "name_fr", "name_en", "unit", "direction", "source_fr", "source_en",
                   "min", "max", "bands"}, set()),
    "challenge": ({"code", "name_fr", "name_en", "description_fr", "description_en", "criteria"}, set()),
    "asset": ({"code", "name_fr", "name_en", "description_fr", "description_en", "criteria"}, set()),
    "dependency": ({"criterion", "level", "requires", "requires_level", "reason_fr", "reason_en"}, set()),
}

errors: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def check_keys(kind: str, table: dict, where: str) -> None:
    required, optional = KEYS[kind]
    missing = required - table.keys()
    extra = table.keys() - required - optional
    if missing:
        err(f"{where}: missing keys {sorted(missing)}")
    if extra:
        err(f"{where}: unexpected keys {sorted(extra)}")


def text(table: dict, key: str, where: str) -> str:
    v = table.get(key)
    if not isinstance(v, str) or not v.strip():
        err(f"{where}: '{key}' must be a non-empty string")
        return ""
    if v != v.strip() or "  " in v:
        err(f"{where}: '{key}' has stray whitespace")
    if PLACEHOLDERS.search(v):
        err(f"{where}: '{key}' looks like placeholder text: {v[:60]!r}")
    return v


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def norm(t: str) -> str:
    return re.sub(r"\W+", " ", t.casefold()).strip()


def fr_infinitive(t: str) -> bool:
    first = re.split(r"[\s,:;(]", t.strip(), maxsplit=1)[0].casefold()
    return first.endswith(("er", "ir", "re", "oir"))


NOT_IMPERATIVE = {"the", "a", "an", "to", "this", "each", "all", "one", "it", "we", "our", "your"}


def en_imperative(t: str) -> bool:
    first = re.split(r"[\s,:;(]", t.strip(), maxsplit=1)[0]
    return first[:1].isupper() and first.replace("-", "").isalpha() and first.casefold() not in NOT_IMPERATIVE


def main(path: Path) -> int:
    with path.open("rb") as fh:
        data = tomllib.load(fh)

    top = set(KEYS) - {"recommendation"}
    if set(data) != top:
        err(f"top level: expected tables {sorted(top)}, got {sorted(data)}")

    # --- framework -----------------------------------------------------------
    fw = data.get("framework", {})
    check_keys("framework", fw, "[framework]")
    if fw.get("code") != "STI-FR":
        err("[framework]: code must be 'STI-FR'")
    version = fw.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        err("[framework]: version must be a positive integer")
    else:
        m = re.fullmatch(r"sti-fr-v(\d+)\.toml", path.name)
        if m and int(m.group(1)) != version:
            err(f"[framework]: version {version} does not match file name {path.name}")
    for k in ("name_fr", "name_en", "description_fr", "description_en"):
        text(fw, k, "[framework]")

    # --- levels --------------------------------------------------------------
    levels = data.get("level", [])
    if len(levels) != 5:
        err(f"[[level]]: expected 5 entries, got {len(levels)}")
    for i, lv in enumerate(levels):
        where = f"[[level]] #{i}"
        check_keys("level", lv, where)
        if lv.get("level") != i:
            err(f"{where}: level must be {i} (levels 0..4 in order)")
        if i < 5 and lv.get("label_fr") != LEVEL_LABELS_FR[i]:
            err(f"{where}: label_fr must be {LEVEL_LABELS_FR[i]!r}")
        for k in ("label_fr", "label_en", "generic_fr", "generic_en"):
            text(lv, k, where)

    # --- dimensions ----------------------------------------------------------
    dims = data.get("dimension", [])
    codes = [d.get("code") for d in dims]
    if codes != DIM_ORDER:
        err(f"[[dimension]]: expected codes {DIM_ORDER} in this order, got {codes}")
    for d in dims:
        where = f"[[dimension]] {d.get('code')}"
        check_keys("dimension", d, where)
        expected_kind = "thematic" if d.get("code") in THEMATIC else "transversal"
        if d.get("kind") != expected_kind:
            err(f"{where}: kind must be {expected_kind!r}")
        for k in ("name_fr", "name_en", "description_fr", "description_en"):
            text(d, k, where)
        has_g = {"giffinger_fr", "giffinger_en"} & d.keys()
        if expected_kind == "thematic":
            if has_g != {"giffinger_fr", "giffinger_en"}:
                err(f"{where}: thematic dimension needs giffinger_fr and giffinger_en")
            else:
                text(d, "giffinger_fr", where)
                text(d, "giffinger_en", where)
        elif has_g:
            err(f"{where}: transversal dimension must not have giffinger keys")

    # --- criteria ------------------------------------------------------------
    crits = data.get("criterion", [])
    if len(crits) != 56:
        err(f"[[criterion]]: expected 56 entries, got {len(crits)}")
    crit_codes = [c.get("code") for c in crits]
    for code, n in Counter(crit_codes).items():
        if n > 1:
            err(f"[[criterion]]: duplicate code {code}")
    crit_set = set(crit_codes)
    expected_codes = [f"{d}-{i}" for d in DIM_ORDER for i in range(1, CRITERIA_PER_DIM[d] + 1)]
    if crit_codes != expected_codes:
        missing = [c for c in expected_codes if c not in crit_set]
        extra = [c for c in crit_codes if c not in expected_codes]
        err(f"[[criterion]]: codes must be grouped by dimension and numbered in order; "
            f"missing={missing} unexpected={extra}" if missing or extra else
            "[[criterion]]: codes are not in dimension order / numeric order")

    seen_fr: dict[str, str] = {}
    seen_en: dict[str, str] = {}
    n_recs = 0
    for c in crits:
        code = c.get("code", "?")
        where = f"[[criterion]] {code}"
        check_keys("criterion", c, where)
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}-\d+", code):
            err(f"{where}: bad code format")
        elif c.get("dimension") != code[:3]:
            err(f"{where}: dimension {c.get('dimension')!r} does not match code prefix")
        if c.get("dimension") not in DIM_ORDER:
            err(f"{where}: unknown dimension {c.get('dimension')!r}")
        for k in ("name_fr", "name_en", "description_fr", "description_en"):
            text(c, k, where)
        gf = c.get("giffinger_factors")
        if not isinstance(gf, list) or not all(isinstance(x, str) and x.strip() for x in gf):
            err(f"{where}: giffinger_factors must be a list of non-empty strings")
        elif len(set(gf)) != len(gf):
            err(f"{where}: duplicate giffinger factor")
        elif c.get("dimension") in TRANSVERSAL and gf:
            err(f"{where}: transversal criterion should have no Giffinger factor")
        w = c.get("weight")
        if not is_number(w) or w <= 0:
            err(f"{where}: weight must be a positive number")
        for lang in ("fr", "en"):
            lv = c.get(f"levels_{lang}")
            if not isinstance(lv, list) or len(lv) != 5:
                err(f"{where}: levels_{lang} must have exactly 5 entries")
                continue
            for i, t in enumerate(lv):
                if not isinstance(t, str) or not t.strip():
                    err(f"{where}: levels_{lang}[{i}] is empty")
                elif PLACEHOLDERS.search(t):
                    err(f"{where}: levels_{lang}[{i}] looks like placeholder text")
            if len({norm(t) for t in lv if isinstance(t, str)}) != 5:
                err(f"{where}: levels_{lang} contains duplicated descriptors")

        recs = c.get("recommendation", [])
        if not isinstance(recs, list) or len(recs) != 4:
            err(f"{where}: expected exactly 4 recommendations, got {len(recs) if isinstance(recs, list) else recs!r}")
            recs = recs if isinstance(recs, list) else []
        for i, r in enumerate(recs):
            rw = f"{where} recommendation #{i}"
            n_recs += 1
            check_keys("recommendation", r, rw)
            if r.get("from") != i or r.get("to") != i + 1:
                err(f"{rw}: must go from {i} to {i + 1}, got {r.get('from')}→{r.get('to')}")
            if r.get("horizon") not in HORIZONS:
                err(f"{rw}: horizon {r.get('horizon')!r} not in {sorted(HORIZONS)}")
            if r.get("cost") not in COSTS:
                err(f"{rw}: cost {r.get('cost')!r} not in {sorted(COSTS)}")
            tfr = text(r, "text_fr", rw)
            ten = text(r, "text_en", rw)
            if tfr and not fr_infinitive(tfr):
                err(f"{rw}: text_fr should start with an infinitive verb: {tfr[:40]!r}")
            if ten and not en_imperative(ten):
                err(f"{rw}: text_en should start with an imperative verb: {ten[:40]!r}")
            for t, lang in ((tfr, "fr"), (ten, "en")):
                if len(t) > 450:
                    err(f"{rw}: text_{lang} too long ({len(t)} chars > 450)")
            for t, seen, lang in ((tfr, seen_fr, "fr"), (ten, seen_en, "en")):
                if not t:
                    continue
                key = norm(t)
                if key in seen:
                    err(f"{rw}: text_{lang} duplicates the recommendation of {seen[key]}")
                else:
                    seen[key] = f"{code} #{i}"

    # --- indicators ----------------------------------------------------------
    inds = data.get("indicator", [])
    if len(inds) != 25:
        err(f"[[indicator]]: expected 25 entries, got {len(inds)}")
    ind_codes = [i.get("code") for i in inds]
    for code, n in Counter(ind_codes).items():
        if n > 1:
            err(f"[[indicator]]: duplicate code {code}")
    expected_ind = [f"{d}-I{i}" for d in DIM_ORDER for i in range(1, INDICATORS_PER_DIM.get(d, 0) + 1)]
    if ind_codes != expected_ind:
        err(f"[[indicator]]: expected codes {expected_ind} in order, got {ind_codes}")
    for ind in inds:
        code = ind.get("code", "?")
        where = f"[[indicator]] {code}"
        check_keys("indicator", ind, where)
        if isinstance(code, str) and ind.get("dimension") != code[:3]:
            err(f"{where}: dimension does not match code prefix")
        if ind.get("dimension") not in DIM_ORDER:
            err(f"{where}: unknown dimension {ind.get('dimension')!r}")
        for k in ("name_fr", "name_en", "unit", "source_fr", "source_en"):
            text(ind, k, where)
        if ind.get("direction") not in DIRECTIONS:
            err(f"{where}: direction {ind.get('direction')!r} not in {sorted(DIRECTIONS)}")
        mn, mx, bands = ind.get("min"), ind.get("max"), ind.get("bands")
        if not (is_number(mn) and is_number(mx)) or mn >= mx:
            err(f"{where}: min and max must be numbers with min < max")
            continue
        if str(ind.get("unit", "")).startswith("%"):
            if mn < 0:
                err(f"{where}: percentage min must be >= 0")
            if mx > 100 and code not in PERCENT_OVER_100:
                err(f"{where}: percentage max must be <= 100")
        if not isinstance(bands, list) or len(bands) != 4 or not all(is_number(b) for b in bands):
            err(f"{where}: bands must be a list of 4 numbers")
            continue
        if any(a >= b for a, b in zip(bands, bands[1:])):
            err(f"{where}: bands must be strictly ascending: {bands}")
        if bands[0] < mn or bands[-1] > mx:
            err(f"{where}: bands {bands} must lie within [min, max] = [{mn}, {mx}]")

    # --- challenges ----------------------------------------------------------
    chals = data.get("challenge", [])
    if len(chals) != 8:
        err(f"[[challenge]]: expected 8 entries, got {len(chals)}")
    chal_codes = [c.get("code") for c in chals]
    if set(chal_codes) != set(CHALLENGES) or len(chal_codes) != len(set(chal_codes)):
        err(f"[[challenge]]: expected codes {sorted(CHALLENGES)}, got {chal_codes}")
    for ch in chals:
        code = ch.get("code", "?")
        where = f"[[challenge]] {code}"
        check_keys("challenge", ch, where)
        for k in ("name_fr", "name_en", "description_fr", "description_en"):
            text(ch, k, where)
        cl = ch.get("criteria", [])
        if not isinstance(cl, list) or len(cl) != len(set(cl)):
            err(f"{where}: criteria must be a list without duplicates")
            continue
        for x in cl:
            if x not in crit_set:
                err(f"{where}: unknown criterion {x!r}")
        if code in CHALLENGES and set(cl) != CHALLENGES[code]:
            err(f"{where}: criteria {sorted(cl)} differ from §6.3 {sorted(CHALLENGES[code])}")

    # --- assets --------------------------------------------------------------
    assets = data.get("asset", [])
    if len(assets) < 10:
        err(f"[[asset]]: expected at least 10 entries, got {len(assets)}")
    asset_codes = [a.get("code") for a in assets]
    for code, n in Counter(asset_codes).items():
        if n > 1:
            err(f"[[asset]]: duplicate code {code}")
    if not REQUIRED_ASSETS <= set(asset_codes):
        err(f"[[asset]]: missing required tags {sorted(REQUIRED_ASSETS - set(asset_codes))}")
    for a in assets:
        code = a.get("code", "?")
        where = f"[[asset]] {code}"
        check_keys("asset", a, where)
        if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            err(f"{where}: code must be snake_case ASCII")
        for k in ("name_fr", "name_en", "description_fr", "description_en"):
            text(a, k, where)
        cl = a.get("criteria", [])
        if not isinstance(cl, list) or not cl or len(cl) != len(set(cl)):
            err(f"{where}: criteria must be a non-empty list without duplicates")
            continue
        for x in cl:
            if x not in crit_set:
                err(f"{where}: unknown criterion {x!r}")
        if code == "universite" and not {"ECO-1", "PEO-2", "GPA-2"} <= set(cl):
            err(f"{where}: must include ECO-1, PEO-2, GPA-2 (§6.3)")
    for ch in chals:
        if not isinstance(ch.get("code"), str) or not re.fullmatch(r"[a-z][a-z0-9_]*", ch["code"]):
            err(f"[[challenge]] {ch.get('code')}: code must be snake_case ASCII")

    # --- dependencies --------------------------------------------------------
    deps = data.get("dependency", [])
    dep_keys = Counter()
    graph: dict[str, set[str]] = {}
    for i, dp in enumerate(deps):
        where = f"[[dependency]] #{i} {dp.get('criterion')}≥{dp.get('level')} needs {dp.get('requires')}≥{dp.get('requires_level')}"
        check_keys("dependency", dp, where)
        c, r = dp.get("criterion"), dp.get("requires")
        if c not in crit_set:
            err(f"{where}: unknown criterion {c!r}")
        if r not in crit_set:
            err(f"{where}: unknown required criterion {r!r}")
        if c == r:
            err(f"{where}: a criterion cannot depend on itself")
        for k in ("level", "requires_level"):
            v = dp.get(k)
            if not isinstance(v, int) or isinstance(v, bool) or not 1 <= v <= 4:
                err(f"{where}: {k} must be an integer in 1..4")
        text(dp, "reason_fr", where)
        text(dp, "reason_en", where)
        dep_keys[(c, dp.get("level"), r)] += 1
        graph.setdefault(c, set()).add(r)
    for k, n in dep_keys.items():
        if n > 1:
            err(f"[[dependency]]: duplicate entry {k}")
    have = {(d.get("criterion"), d.get("level"), d.get("requires"), d.get("requires_level")) for d in deps}
    required = {("DNI-4", 3, "DNI-2", 2), ("GOV-3", 3, "RCO-2", 2)}
    required |= {(c, 3, "GPA-1", 2) for c in crit_codes if isinstance(c, str) and c[:3] in TRANSVERSAL and c != "GPA-1"}
    for req in sorted(required - have):
        err(f"[[dependency]]: missing required dependency {req[0]}≥{req[1]} needs {req[2]}≥{req[3]} (§6.3)")
    # no cycles between criteria
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in graph.get(n, ()):
            if state.get(m) == 1:
                err(f"[[dependency]]: cycle {' → '.join(stack + [n, m])}")
            elif m not in state:
                visit(m, stack + [n])
        state[n] = 2

    for n in list(graph):
        if n not in state:
            visit(n, [])

    # --- report --------------------------------------------------------------
    print(f"file: {path}")
    print(f"framework: {fw.get('code')} v{fw.get('version')}")
    print(f"levels: {len(levels)}  dimensions: {len(dims)} "
          f"({sum(d.get('kind') == 'thematic' for d in dims)} thematic, "
          f"{sum(d.get('kind') == 'transversal' for d in dims)} transversal)")
    print(f"criteria: {len(crits)}  recommendations: {n_recs}  indicators: {len(inds)}")
    print(f"challenges: {len(chals)}  assets: {len(assets)}  dependencies: {len(deps)}")
    hz = Counter(r.get("horizon") for c in crits for r in c.get("recommendation", []))
    co = Counter(r.get("cost") for c in crits for r in c.get("recommendation", []))
    print(f"horizons: {dict(sorted(hz.items()))}  costs: {dict(sorted(co.items()))}")
    if errors:
        print(f"\nFAILED: {len(errors)} error(s)")
        for e in errors:
            print(f"  - {e}")
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    sys.exit(main(target))
