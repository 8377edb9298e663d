-- Framework version 2 (issue #17): what proves each level, who holds each criterion's
-- competence for each kind of territory, the rule for compound levels, the levels that are
-- legal minimums, and where each indicator's data comes from. Version 1 rows leave them empty.
alter table level_descriptor
    add column evidence_fr text,
    add column evidence_en text;

alter table criterion
    add column competence jsonb,
    add column competence_basis_fr text,
    add column competence_basis_en text,
    add column rule_fr text,
    add column rule_en text,
    add column legal jsonb not null default '[]';

alter table indicator
    add column producer text,
    add column dataset_fr text,
    add column dataset_en text,
    add column url text,
    add column vintage text,
    add column geo_levels text[] not null default '{}',
    add column fallback text check (fallback in ('epci', 'none')),
    add column bands_rationale_fr text,
    add column bands_rationale_en text;

-- A criterion a new round found outside the territory's competence: who holds it. The answer
-- starts "not applicable" with a generated justification, which the consultant may change.
alter table criterion_answer
    add column competence_of text check (competence_of in
        ('commune', 'epci', 'aom', 'departement', 'region', 'etat', 'partagee'));
