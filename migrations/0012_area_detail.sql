-- An official area with the names of its département, région and EPCI: what profiles, member
-- lists and search results show. One definition for the queries that read areas this way.
create view area_detail as
select g.geo_area_id, g.kind, g.code, g.name, g.population, g.retired,
       g.departement_code, d.name as departement_name, g.region_code, r.name as region_name,
       g.epci_code, e.name as epci_name, g.epci_type, g.postal_codes
  from geo_area g
  left join geo_area d on d.kind = 'departement' and d.code = g.departement_code
  left join geo_area r on r.kind = 'region' and r.code = g.region_code
  left join geo_area e on e.kind = 'epci' and e.code = g.epci_code;
