#!/usr/bin/env python3
"""Validate a Territoires framework file (default: sti-fr-v1.toml next to this script).

Usage: python3 datasets/framework/check.py [path/to/sti-fr-vN.toml]

Checks the schema and content rules of the STI-FR reference grid:
counts (5 levels, 12 dimensions, 56 criteria, 25 indicators, 8 challenges,
>= 10 assets), unique codes, FR/EN texts present, 5 level descriptors and
4 recommendations (0->1 .. 3->4) per criterion, valid horizon/cost/direction,
ascending indicator bands within [min, max], tags and dependencies pointing
at existing criteria, no duplicated recommendation text.

From [framework] version = 2 on, the rules change as follows:
- criteria: at least the v1 count per dimension, codes grouped by dimension
  and numbered 1..n with no gap; indicators: any number, unique codes
  DIM-I<n> (not necessarily contiguous); challenge criteria sets are free
  (they must still name existing criteria);
- criterion keys added: evidence_fr/en (5 entries, levels 0..4), competence
  (commune/epci/departement/region -> holder), competence_basis_fr/en,
  optional rule_fr + rule_en (both or neither) and legal = [{level, obligation}]
  (obligation codes from datasets/obligations/obligations-v1.toml);
- indicator keys added: producer, dataset_fr/en, url (https), vintage,
  geo_levels, fallback ("epci" | "none"), bands_rationale_fr/en;
- every acronym in the file (values, keys and comments, as in
  datasets/glossary/README.md) is defined or ignored in
  datasets/glossary/glossary-v1.toml;
- the mapping file sti-fr-v<N-1>-to-v<N>.toml next to the file, when it
  exists, maps every criterion of sti-fr-v<N-1>.toml exactly once
  ([[map]] from/to/levels/note_fr/note_en or [[dropped]] from/reason_fr/reason_en)
  to criteria of this file.
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
# --- version 2 ---------------------------------------------------------------
GEO_LEVELS = {"commune", "epci", "departement", "region", "iris"}
FALLBACKS = {"epci", "none"}
COMPETENCE_KINDS = ("commune", "epci", "departement", "region")
COMPETENCE_HOLDERS = {"commune", "epci", "aom", "departement", "region", "etat", "partagee"}
DATASETS = Path(__file__).resolve().parent.parent
OBLIGATIONS = DATASETS / "obligations" / "obligations-v1.toml"
GLOSSARY = DATASETS / "glossary" / "glossary-v1.toml"
# acronym rule of datasets/glossary/README.md ("The acronym rule")
UPPER_DIGIT = set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
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

# v2: keys added to v1's (required, optional)
KEYS_V2 = {
    "criterion": ({"evidence_fr", "evidence_en", "competence", "competence_basis_fr", "competence_basis_en"},
                  {"rule_fr", "rule_en", "legal"}),
    "indicator": ({"producer", "dataset_fr", "dataset_en", "url", "vintage", "geo_levels", "fallback",
                   "bands_rationale_fr", "bands_rationale_en"}, set()),
}
MAP_KEYS = {
    "map": ({"from", "to"}, {"levels", "note_fr", "note_en"}),
    "dropped": ({"from", "reason_fr", "reason_en"}, set()),
}

errors: list[str] = []
warnings: list[str] = []


def err(msg: str) -> None:
    errors.append(msg)


def check_keys(kind: str, table: dict, where: str, version: int = 1, keys: dict | None = None) -> None:
    if not isinstance(table, dict):
        err(f"{where}: must be a table")
        return
    required, optional = (keys or KEYS)[kind]
    if version >= 2 and kind in KEYS_V2 and keys is None:
        required, optional = required | KEYS_V2[kind][0], optional | KEYS_V2[kind][1]
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


# --- version 2 helpers ----------------------------------------------------------

def text_list(table: dict, key: str, where: str, n: int) -> None:
    v = table.get(key)
    if not isinstance(v, list) or len(v) != n:
        err(f"{where}: '{key}' must be a list of exactly {n} strings")
        return
    for i, t in enumerate(v):
        if not isinstance(t, str) or not t.strip():
            err(f"{where}: {key}[{i}] must be a non-empty string")
        elif t != t.strip() or "  " in t:
            err(f"{where}: {key}[{i}] has stray whitespace")
        elif PLACEHOLDERS.search(t):
            err(f"{where}: {key}[{i}] looks like placeholder text: {t[:60]!r}")


def read_toml(path: Path, what: str) -> dict | None:
    """The file parsed, or None after reporting why it cannot be read."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as e:
        err(f"{what}: cannot read {path}: {e}")
        return None


def load_obligations() -> dict[str, tuple]:
    """code -> (criterion, level) of datasets/obligations/obligations-v1.toml."""
    obl = read_toml(OBLIGATIONS, "obligations")
    if obl is None:
        return {}
    return {o.get("code"): (o.get("criterion"), o.get("level")) for o in obl.get("obligation", [])}


def check_criterion_v2(c: dict, where: str, obligations: dict[str, tuple]) -> None:
    code = c.get("code")
    for lang in ("fr", "en"):
        text_list(c, f"evidence_{lang}", where, 5)
    comp = c.get("competence")
    if not isinstance(comp, dict):
        err(f"{where}: competence must be a table {{ commune, epci, departement, region }}")
    else:
        if set(comp) != set(COMPETENCE_KINDS):
            err(f"{where}: competence keys must be exactly {list(COMPETENCE_KINDS)}, got {sorted(comp)}")
        for k, v in comp.items():
            if v not in COMPETENCE_HOLDERS:
                err(f"{where}: competence.{k} = {v!r} not in {sorted(COMPETENCE_HOLDERS)}")
    text(c, "competence_basis_fr", where)
    text(c, "competence_basis_en", where)
    has_rule = {"rule_fr", "rule_en"} & c.keys()
    if has_rule and has_rule != {"rule_fr", "rule_en"}:
        err(f"{where}: rule_fr and rule_en go together (both or neither)")
    for k in sorted(has_rule):
        text(c, k, where)
    listed: set[str] = set()
    if "legal" in c:
        legal = c["legal"]
        if not isinstance(legal, list) or not legal:
            err(f"{where}: legal must be a non-empty array of {{ level, obligation }} tables")
            legal = []
        for i, lg in enumerate(legal):
            lw = f"{where} legal #{i}"
            if not isinstance(lg, dict):
                err(f"{lw}: must be a table {{ level, obligation }}")
                continue
            if set(lg) != {"level", "obligation"}:
                err(f"{lw}: keys must be exactly ['level', 'obligation'], got {sorted(lg)}")
            lv, ob = lg.get("level"), lg.get("obligation")
            if not isinstance(lv, int) or isinstance(lv, bool) or not 0 <= lv <= 4:
                err(f"{lw}: level must be an integer in 0..4")
            if ob in listed:
                err(f"{lw}: obligation {ob!r} listed twice")
            listed.add(ob)
            if ob not in obligations:
                err(f"{lw}: unknown obligation {ob!r} (not a [[obligation]] code of {OBLIGATIONS.name})")
            elif obligations[ob] != (code, lv):
                warnings.append(f"{lw}: obligation {ob!r} is mapped to {obligations[ob][0]} level "
                                f"{obligations[ob][1]} in {OBLIGATIONS.name}, here {code} level {lv}")
    for ob, (oc, olv) in sorted(obligations.items()):
        if oc == code and ob not in listed:
            warnings.append(f"{where}: {OBLIGATIONS.name} maps obligation {ob!r} to {oc} level {olv}, "
                            f"but the criterion has no legal entry for it")


def check_indicator_v2(ind: dict, where: str) -> None:
    for k in ("producer", "dataset_fr", "dataset_en", "vintage", "bands_rationale_fr", "bands_rationale_en"):
        text(ind, k, where)
    url = ind.get("url")
    if not isinstance(url, str) or not re.fullmatch(r"https://[^\s/]+\.[^\s]+", url):
        err(f"{where}: url must be an https:// address, got {url!r}")
    gl = ind.get("geo_levels")
    if not isinstance(gl, list) or not gl:
        err(f"{where}: geo_levels must be a non-empty list")
    else:
        bad = [g for g in gl if g not in GEO_LEVELS]
        if bad:
            err(f"{where}: geo_levels {bad} not in {sorted(GEO_LEVELS)}")
        if len(set(map(str, gl))) != len(gl):
            err(f"{where}: geo_levels has duplicates")
    if ind.get("fallback") not in FALLBACKS:
        err(f"{where}: fallback {ind.get('fallback')!r} not in {sorted(FALLBACKS)}")


def acronyms(t: str):
    # rule of datasets/glossary/README.md: split on every character that is not a letter or digit
    for tok in re.split(r"[\W_]+", t):
        if len(tok) >= 2 and set(tok) <= UPPER_DIGIT and sum(ch.isupper() for ch in tok) >= 2:
            yield tok


def check_glossary(path: Path, data: dict) -> None:
    """Every acronym of the file (scanned whole, as in the glossary README) is defined or ignored."""
    g = read_toml(GLOSSARY, "glossary")
    if g is None:
        return
    defined = {t.get("acronym") for t in g.get("term", [])}
    ignored = set(g.get("dataset", {}).get("ignore", []))
    raw = path.read_text(encoding="utf-8")
    used = set(DIM_ORDER) | set(acronyms(raw))
    missing = sorted(used - defined - ignored)
    if not missing:
        return
    # where each missing acronym is used: entries by code, else line numbers
    places: dict[str, list[str]] = {a: [] for a in missing}

    def walk(v, where: str) -> None:
        if isinstance(v, dict):
            for k, x in v.items():
                walk(k, where)
                walk(x, where)
        elif isinstance(v, list):
            for x in v:
                walk(x, where)
        elif isinstance(v, str):
            for a in set(acronyms(v)) & places.keys():
                if where not in places[a]:
                    places[a].append(where)

    for kind, val in data.items():
        items = val if isinstance(val, list) else [val]
        for i, item in enumerate(items):
            label = item.get("code", item.get("criterion", f"#{i}")) if isinstance(item, dict) else f"#{i}"
            walk(item, f"[[{kind}]] {label}" if isinstance(val, list) else f"[{kind}]")
    lines = raw.splitlines()
    for a in missing:
        where = places[a]
        if not where:  # only in comments or keys
            rx = re.compile(rf"(?<![A-Za-z0-9]){re.escape(a)}(?![A-Za-z0-9])")
            where = [f"line {n}" for n, ln in enumerate(lines, 1) if rx.search(ln)][:5]
        shown = ", ".join(where[:6]) + (f" and {len(where) - 6} more" if len(where) > 6 else "")
        err(f"glossary: acronym {a!r} has no entry in {GLOSSARY.name} (used in {shown})")


def check_mapping(path: Path, version: int, crit_set: set) -> None:
    """sti-fr-v<N-1>-to-v<N>.toml: every previous criterion mapped or dropped exactly once."""
    mpath = path.with_name(f"sti-fr-v{version - 1}-to-v{version}.toml")
    prev = path.with_name(f"sti-fr-v{version - 1}.toml")
    if not mpath.exists():
        warnings.append(f"mapping: {mpath.name} not found next to {path.name}: not checked")
        return
    mw = mpath.name
    mp = read_toml(mpath, mw)
    old = read_toml(prev, f"{mw}: previous version")
    if mp is None or old is None:
        return
    old_codes = [c.get("code") for c in old.get("criterion", [])]
    extra = set(mp) - {"map", "dropped"}
    if extra:
        err(f"{mw}: unexpected top-level keys {sorted(extra)} (only [[map]] and [[dropped]])")
    seen = Counter()
    for kind in ("map", "dropped"):
        entries = mp.get(kind, [])
        if not isinstance(entries, list):
            err(f"{mw}: {kind} must be an array of tables [[{kind}]]")
            continue
        for i, e in enumerate(entries):
            if not isinstance(e, dict):
                err(f"{mw} [[{kind}]] #{i}: must be a table")
                continue
            where = f"{mw} [[{kind}]] {e.get('from', f'#{i}')}"
            check_keys(kind, e, where, keys=MAP_KEYS)
            frm = e.get("from")
            seen[frm] += 1
            if frm not in old_codes:
                err(f"{where}: 'from' {frm!r} is not a criterion of {prev.name}")
            if kind == "map":
                if e.get("to") not in crit_set:
                    err(f"{where}: 'to' {e.get('to')!r} is not a criterion of {path.name}")
                if "levels" in e:
                    lv = e["levels"]
                    if (not isinstance(lv, list) or len(lv) != 5
                            or not all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 4 for x in lv)):
                        err(f"{where}: levels must be 5 integers in 0..4 (v{version} level of each "
                            f"v{version - 1} level 0..4), got {lv!r}")
                    elif any(a > b for a, b in zip(lv, lv[1:])):
                        err(f"{where}: levels must be non-decreasing, got {lv}")
                notes = {"note_fr", "note_en"} & e.keys()
                if notes and notes != {"note_fr", "note_en"}:
                    err(f"{where}: note_fr and note_en go together (both or neither)")
                for k in sorted(notes):
                    text(e, k, where)
            else:
                text(e, "reason_fr", where)
                text(e, "reason_en", where)
    for c in old_codes:
        if seen[c] == 0:
            err(f"{mw}: {prev.name} criterion {c} is neither in [[map]] nor in [[dropped]]")
        elif seen[c] > 1:
            err(f"{mw}: {prev.name} criterion {c} appears {seen[c]} times as 'from' (exactly once expected)")


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
    v2 = isinstance(version, int) and not isinstance(version, bool) and version >= 2
    vk = version if v2 else 1

    obligations = load_obligations() if v2 else {}

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
    crit_codes = [c.get("code") for c in crits]
    for code, n in Counter(crit_codes).items():
        if n > 1:
            err(f"[[criterion]]: duplicate code {code}")
    crit_set = set(crit_codes)
    if not v2:
        if len(crits) != 56:
            err(f"[[criterion]]: expected 56 entries, got {len(crits)}")
        per_dim = CRITERIA_PER_DIM
    else:
        # v2: at least the v1 count per dimension, numbered 1..n without gaps
        per_dim = {}
        for d in DIM_ORDER:
            nums = [int(m.group(1)) for c in crit_codes
                    if isinstance(c, str) and (m := re.fullmatch(rf"{d}-(\d+)", c))]
            per_dim[d] = max(nums, default=0)
            if per_dim[d] < CRITERIA_PER_DIM[d]:
                err(f"[[criterion]]: dimension {d} needs at least {CRITERIA_PER_DIM[d]} criteria "
                    f"({d}-1..{d}-{CRITERIA_PER_DIM[d]}), got {len(nums)}")
                per_dim[d] = CRITERIA_PER_DIM[d]
    expected_codes = [f"{d}-{i}" for d in DIM_ORDER for i in range(1, per_dim[d] + 1)]
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
        check_keys("criterion", c, where, vk)
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
        if v2:
            check_criterion_v2(c, where, obligations)

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
    ind_codes = [i.get("code") for i in inds]
    for code, n in Counter(ind_codes).items():
        if n > 1:
            err(f"[[indicator]]: duplicate code {code}")
    if not v2:
        if len(inds) != 25:
            err(f"[[indicator]]: expected 25 entries, got {len(inds)}")
        expected_ind = [f"{d}-I{i}" for d in DIM_ORDER for i in range(1, INDICATORS_PER_DIM.get(d, 0) + 1)]
        if ind_codes != expected_ind:
            err(f"[[indicator]]: expected codes {expected_ind} in order, got {ind_codes}")
    for ind in inds:
        code = ind.get("code", "?")
        where = f"[[indicator]] {code}"
        check_keys("indicator", ind, where, vk)
        if v2:
            if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{3}-I[1-9]\d*", code):
                err(f"{where}: code must be DIM-I<n> (e.g. ECO-I1)")
            check_indicator_v2(ind, where)
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
        if not v2 and code in CHALLENGES and set(cl) != CHALLENGES[code]:
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

    # --- v2: acronyms and mapping from the previous version -------------------
    if v2:
        check_glossary(path, data)
        check_mapping(path, version, crit_set)

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
    if warnings:
        print(f"\n{len(warnings)} warning(s) (not counted as errors)")
        for w in warnings:
            print(f"  - {w}")
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
