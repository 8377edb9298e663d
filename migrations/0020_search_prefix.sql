-- Geography search (issue #18): names starting with the query and exact codes are looked up
-- in b-trees before any trigram matching; the population rides along so that the largest
-- areas of a prefix are ranked from the index alone.
create index geo_area_search_prefix_idx on geo_area (search_name text_pattern_ops, population)
    where not retired;
