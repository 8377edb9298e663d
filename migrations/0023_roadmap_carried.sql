-- A chantier a new round's roadmap took from the previous round's (its title, owners and
-- partners): the earlier title, until the consultant saves the chantier (reviewed).
alter table roadmap_chantier
    add column carried_from text check (char_length(carried_from) <= 200);
