//! Importing the official geography (Etalab's `@etalab/decoupage-administratif` extract under
//! `datasets/geo/`): parse the four TSV files, check their cross-references, then replace the
//! geography in one transaction. Areas absent from the new data are retired, not deleted
//! (profiles may point at them); a failure anywhere leaves the previous geography untouched.

use std::collections::HashSet;
use std::path::Path;

use sqlx::PgPool;

/// The extract shipped in the binary, imported on first start.
const BUILTIN: [(&str, &str); 4] = [
    (
        "regions.tsv",
        include_str!("../../datasets/geo/regions.tsv"),
    ),
    (
        "departements.tsv",
        include_str!("../../datasets/geo/departements.tsv"),
    ),
    ("epci.tsv", include_str!("../../datasets/geo/epci.tsv")),
    (
        "communes.tsv",
        include_str!("../../datasets/geo/communes.tsv"),
    ),
];

/// One row of `geo_area` to be imported.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Area {
    pub kind: &'static str,
    pub code: String,
    pub name: String,
    pub population: Option<i32>,
    pub departement: Option<String>,
    pub region: Option<String>,
    pub epci: Option<String>,
    pub epci_type: Option<String>,
    pub postal_codes: String,
}

/// How many areas of each kind an import brought in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub regions: i32,
    pub departements: i32,
    pub epcis: i32,
    pub communes: i32,
}

/// Reads the four files from `dir`, or the built-in extract when `dir` is `None`.
pub fn read_sources(dir: Option<&Path>) -> anyhow::Result<Vec<(String, String)>> {
    BUILTIN
        .iter()
        .map(|(file, builtin)| match dir {
            None => Ok((file.to_string(), builtin.to_string())),
            Some(dir) => {
                let path = dir.join(file);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
                Ok((file.to_string(), text))
            }
        })
        .collect()
}

/// Parses and cross-checks the four files into areas (régions first, communes last).
pub fn parse(sources: &[(String, String)]) -> anyhow::Result<Vec<Area>> {
    let text = |name: &str| -> anyhow::Result<&str> {
        sources
            .iter()
            .find(|(file, _)| file == name)
            .map(|(_, text)| text.as_str())
            .ok_or_else(|| anyhow::anyhow!("{name} is missing"))
    };
    let mut areas = Vec::new();
    for row in rows(
        "regions.tsv",
        text("regions.tsv")?,
        &["code", "name", "population"],
    )? {
        areas.push(Area {
            kind: "region",
            code: row.get("code")?,
            name: row.get("name")?,
            population: row.population()?,
            ..Area::default()
        });
    }
    let regions: HashSet<String> = areas.iter().map(|a| a.code.clone()).collect();
    let departement_rows = rows(
        "departements.tsv",
        text("departements.tsv")?,
        &["code", "name", "region", "population"],
    )?;
    let mut departements = HashSet::new();
    for row in departement_rows {
        let region = row.reference("region", &regions)?;
        let code = row.get("code")?;
        departements.insert(code.clone());
        areas.push(Area {
            kind: "departement",
            code,
            name: row.get("name")?,
            population: row.population()?,
            region,
            ..Area::default()
        });
    }
    let epci_rows = rows(
        "epci.tsv",
        text("epci.tsv")?,
        &["code", "name", "type", "population", "members"],
    )?;
    let mut epcis = HashSet::new();
    for row in epci_rows {
        let code = row.get("code")?;
        epcis.insert(code.clone());
        areas.push(Area {
            kind: "epci",
            code,
            name: row.get("name")?,
            population: row.population()?,
            epci_type: Some(row.get("type")?),
            ..Area::default()
        });
    }
    let commune_rows = rows(
        "communes.tsv",
        text("communes.tsv")?,
        &[
            "code",
            "name",
            "departement",
            "region",
            "epci",
            "population",
            "postal_codes",
        ],
    )?;
    for row in commune_rows {
        areas.push(Area {
            kind: "commune",
            code: row.get("code")?,
            name: row.get("name")?,
            population: row.population()?,
            departement: row.reference("departement", &departements)?,
            region: row.reference("region", &regions)?,
            epci: row.reference("epci", &epcis)?,
            postal_codes: row.get("postal_codes")?,
            ..Area::default()
        });
    }
    Ok(areas)
}

/// One data line of a TSV file, with its header to find columns by name.
struct Row<'a> {
    file: &'a str,
    line: usize,
    header: &'a [&'a str],
    fields: Vec<&'a str>,
}

impl Row<'_> {
    fn raw(&self, column: &str) -> anyhow::Result<&str> {
        let index = self
            .header
            .iter()
            .position(|h| *h == column)
            .ok_or_else(|| anyhow::anyhow!("{}: no column {column}", self.file))?;
        Ok(self.fields[index].trim())
    }

    fn get(&self, column: &str) -> anyhow::Result<String> {
        Ok(self.raw(column)?.to_owned())
    }

    fn population(&self) -> anyhow::Result<Option<i32>> {
        let raw = self.raw("population")?;
        if raw.is_empty() {
            return Ok(None);
        }
        raw.parse::<i32>()
            .ok()
            .filter(|p| *p >= 0)
            .map(Some)
            .ok_or_else(|| {
                anyhow::anyhow!("{} line {}: bad population {raw:?}", self.file, self.line)
            })
    }

    /// An optional code that must exist in `known`.
    fn reference(&self, column: &str, known: &HashSet<String>) -> anyhow::Result<Option<String>> {
        let raw = self.raw(column)?;
        if raw.is_empty() {
            return Ok(None);
        }
        anyhow::ensure!(
            known.contains(raw),
            "{} line {}: unknown {column} {raw:?}",
            self.file,
            self.line
        );
        Ok(Some(raw.to_owned()))
    }
}

fn rows<'a>(file: &'a str, text: &'a str, expected: &'a [&'a str]) -> anyhow::Result<Vec<Row<'a>>> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    anyhow::ensure!(
        header == expected,
        "{file}: expected columns {expected:?}, found {header:?}"
    );
    lines
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            let fields: Vec<&str> = l.split('\t').collect();
            anyhow::ensure!(
                fields.len() == expected.len(),
                "{file} line {}: expected {} fields, found {}",
                i + 2,
                expected.len(),
                fields.len()
            );
            anyhow::ensure!(
                !fields[0].trim().is_empty() && !fields[1].trim().is_empty(),
                "{file} line {}: empty code or name",
                i + 2
            );
            Ok(Row {
                file,
                line: i + 2,
                header: expected,
                fields,
            })
        })
        .collect()
}

/// Replaces the geography with `areas` in one transaction and records the import.
pub async fn import(pool: &PgPool, areas: &[Area], source: &str) -> anyhow::Result<Counts> {
    let column = |f: fn(&Area) -> Option<String>| areas.iter().map(f).collect::<Vec<_>>();
    let kinds: Vec<&str> = areas.iter().map(|a| a.kind).collect();
    let codes = column(|a| Some(a.code.clone()));
    let names = column(|a| Some(a.name.clone()));
    let populations: Vec<Option<i32>> = areas.iter().map(|a| a.population).collect();
    let departements = column(|a| a.departement.clone());
    let regions = column(|a| a.region.clone());
    let epcis = column(|a| a.epci.clone());
    let epci_types = column(|a| a.epci_type.clone());
    let postal_codes = column(|a| Some(a.postal_codes.clone()));

    // Its own connection, whose bulk statements are not logged as slow: the import logs one
    // line of its own when done.
    use sqlx::{ConnectOptions as _, Connection as _};
    let options = (*pool.connect_options())
        .clone()
        .log_slow_statements(tracing::log::LevelFilter::Off, std::time::Duration::ZERO);
    let mut conn = sqlx::PgConnection::connect_with(&options).await?;
    let mut tx = sqlx::Connection::begin(&mut conn).await?;
    sqlx::query!("select pg_advisory_xact_lock(hashtext('geo-import'))")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("delete from geo_staging")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "insert into geo_staging
         select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[],
                              $6::text[], $7::text[], $8::text[], $9::text[])",
        &kinds as &[&str],
        &codes as &[Option<String>],
        &names as &[Option<String>],
        &populations as &[Option<i32>],
        &departements as &[Option<String>],
        &regions as &[Option<String>],
        &epcis as &[Option<String>],
        &epci_types as &[Option<String>],
        &postal_codes as &[Option<String>]
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("insert into geo_area (kind, code, name, population, departement_code, region_code, epci_code,
                               epci_type, postal_codes)
         select kind, code, name, population, departement_code, region_code, epci_code, epci_type,
                coalesce(string_to_array(nullif(postal_codes, ''), ' '), '{}')
         from geo_staging
         on conflict (kind, code) do update set
             name = excluded.name, population = excluded.population,
             departement_code = excluded.departement_code, region_code = excluded.region_code,
             epci_code = excluded.epci_code, epci_type = excluded.epci_type,
             postal_codes = excluded.postal_codes, retired = false
         where (geo_area.name, geo_area.population, geo_area.departement_code, geo_area.region_code,
                geo_area.epci_code, geo_area.epci_type, geo_area.postal_codes, geo_area.retired)
               is distinct from
               (excluded.name, excluded.population, excluded.departement_code, excluded.region_code,
                excluded.epci_code, excluded.epci_type, excluded.postal_codes, false)")
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update geo_area g set retired = true
         where not g.retired
           and not exists (select 1 from geo_staging s where s.kind = g.kind and s.code = g.code)"
    )
    .execute(&mut *tx)
    .await?;
    let count = |kind: &str| areas.iter().filter(|a| a.kind == kind).count() as i32;
    let counts = Counts {
        regions: count("region"),
        departements: count("departement"),
        epcis: count("epci"),
        communes: count("commune"),
    };
    sqlx::query!("insert into geo_import (source, communes, epcis, departements, regions) values ($1, $2, $3, $4, $5)", source, counts.communes, counts.epcis, counts.departements, counts.regions)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    // Fresh statistics, so that searches use the trigram indexes from the first query.
    sqlx::query!("analyze geo_area").execute(&mut conn).await?;
    sqlx::Connection::close(conn).await?;
    Ok(counts)
}

/// `territoires geo import [DIR]`, and the first start: parse, check, import, log the time.
pub async fn import_from(pool: &PgPool, dir: Option<&Path>) -> anyhow::Result<Counts> {
    let started = std::time::Instant::now();
    let source = match dir {
        Some(dir) => dir.display().to_string(),
        None => "builtin:@etalab/decoupage-administratif@6.0.0".to_owned(),
    };
    let areas = parse(&read_sources(dir)?)?;
    let counts = import(pool, &areas, &source).await?;
    tracing::info!(
        ?counts,
        elapsed_ms = started.elapsed().as_millis() as u64,
        %source,
        "official geography imported"
    );
    Ok(counts)
}

/// Imports the built-in geography when none has been imported yet (first start).
pub async fn import_if_empty(pool: &PgPool) -> anyhow::Result<()> {
    let imported: bool =
        sqlx::query_scalar!(r#"select exists (select 1 from geo_import) as "exists!""#)
            .fetch_one(pool)
            .await?;
    if !imported {
        import_from(pool, None).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_extract_parses_with_consistent_references() {
        let areas = parse(&read_sources(None).unwrap()).unwrap();
        let count = |kind: &str| areas.iter().filter(|a| a.kind == kind).count();
        assert!(count("commune") > 34_000, "{}", count("commune"));
        assert!(count("epci") > 1_200);
        assert_eq!(count("departement"), 109);
        assert_eq!(count("region"), 26);
        let lyon = areas
            .iter()
            .find(|a| a.kind == "commune" && a.code == "69123")
            .unwrap();
        assert_eq!(lyon.name, "Lyon");
        assert_eq!(lyon.epci.as_deref(), Some("200046977"));
    }

    #[test]
    fn broken_files_are_refused_with_the_line_at_fault() {
        let mut sources = read_sources(None).unwrap();
        let communes = sources
            .iter_mut()
            .find(|(f, _)| f == "communes.tsv")
            .unwrap();
        communes.1.push_str("99999\tNulle-part\t00\t84\t\t12\t\n");
        let error = parse(&sources).unwrap_err().to_string();
        assert!(error.contains("communes.tsv line"), "{error}");
        assert!(error.contains("unknown departement \"00\""), "{error}");
    }
}
