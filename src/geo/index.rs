//! The geography as each instance holds it in memory to answer `/geo/recherche` without the
//! database: every area with its search key, the codes and postal codes, the name order and a
//! trigram index. The search ranks exactly as the SQL it replaces did (exact name or code, then
//! prefixes and postal codes, then names containing every word, else the closest names by
//! pg_trgm's similarity), larger populations first within a class. Pure: built from rows, no
//! I/O; [`super::Geography`] keeps it in step with the database.

use std::cmp::Ordering;
use std::collections::HashMap;

use unicode_normalization::UnicodeNormalization;

use super::db::{AreaRow, IndexedArea, search_words};
use crate::vocabulary::AreaKind;

/// A trigram of a search key, its three bytes in one number.
type Trigram = u32;

/// The areas and the look-ups that search them (retired areas are kept for what they name, but
/// never found).
pub struct GeoIndex {
    areas: Vec<IndexedArea>,
    /// Current areas by search key.
    by_name: Vec<u32>,
    /// Current areas by code, and by postal code.
    by_code: HashMap<String, Vec<u32>>,
    by_postal_code: HashMap<String, Vec<u32>>,
    /// Current areas by the trigrams of their search key, and each one's trigram count.
    by_trigram: HashMap<Trigram, Vec<u32>>,
    trigram_counts: Vec<u16>,
    /// The current régions and départements, as (code, name) by code.
    pub regions: Vec<(String, String)>,
    pub departements: Vec<(String, String)>,
}

/// Similar names farther than this (pg_trgm distance) are not offered.
const MAX_DISTANCE: f32 = 0.7;

impl GeoIndex {
    pub fn new(areas: Vec<IndexedArea>) -> Self {
        let current = || {
            areas
                .iter()
                .enumerate()
                .filter(|(_, a)| !a.retired)
                .map(|(i, a)| (i as u32, a))
        };
        let mut by_name: Vec<u32> = current().map(|(i, _)| i).collect();
        by_name.sort_by(|a, b| {
            areas[*a as usize]
                .search_name
                .cmp(&areas[*b as usize].search_name)
        });
        let mut by_code: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_postal_code: HashMap<String, Vec<u32>> = HashMap::new();
        let mut by_trigram: HashMap<Trigram, Vec<u32>> = HashMap::new();
        let mut trigram_counts = vec![0; areas.len()];
        for (i, area) in current() {
            by_code.entry(area.row.code.clone()).or_default().push(i);
            for postal_code in &area.row.postal_codes {
                by_postal_code
                    .entry(postal_code.clone())
                    .or_default()
                    .push(i);
            }
            let trigrams = trigrams(&area.search_name);
            trigram_counts[i as usize] = trigrams.len().min(u16::MAX as usize) as u16;
            for trigram in trigrams {
                by_trigram.entry(trigram).or_default().push(i);
            }
        }
        let of_kind = |kind: AreaKind| {
            let mut list: Vec<(String, String)> = current()
                .filter(|(_, a)| a.row.kind == kind)
                .map(|(_, a)| (a.row.code.clone(), a.row.name.clone()))
                .collect();
            list.sort();
            list
        };
        let (regions, departements) = (of_kind(AreaKind::Region), of_kind(AreaKind::Departement));
        GeoIndex {
            regions,
            departements,
            areas,
            by_name,
            by_code,
            by_postal_code,
            by_trigram,
            trigram_counts,
        }
    }

    /// How many areas are held, retired ones included.
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// Areas matching `query`, best first: exact name or code (0), then names starting with
    /// the query or a postal code (1), then names containing every word of the query (2), else
    /// similar names (typo tolerance); larger populations first within a class. Accent-, case-
    /// and punctuation-insensitive ("saint etienne", "st-etienne" find Saint-Étienne).
    ///
    /// Codes and postal codes are looked up for a query that looks like one, else name
    /// prefixes; names containing the words are searched only when that finds neither an
    /// exact match nor `limit` areas, and similar names only when nothing contains the words.
    pub fn search(&self, query: &str, kind: Option<&str>, limit: usize) -> Vec<AreaRow> {
        let words = search_words(query);
        let key = search_key(&words.join(" "));
        let code = query.trim().to_uppercase();
        // Codes (INSEE, SIREN, postal) have digits and no spaces; names rarely do.
        let code_like = code.bytes().any(|b| b.is_ascii_digit())
            && code.bytes().all(|b| b.is_ascii_alphanumeric());
        let wanted = |i: &u32| kind.is_none_or(|k| self.areas[*i as usize].row.kind.as_str() == k);
        let mut found: Vec<(u8, u32)> = if code_like {
            let exact = self.by_code.get(&code).into_iter().flatten();
            let postal = self.by_postal_code.get(&code).into_iter().flatten();
            exact
                .map(|i| (0, *i))
                .chain(postal.map(|i| (1, *i)))
                .filter(|(_, i)| wanted(i))
                .collect()
        } else {
            self.with_prefix(&key)
                .filter(|i| wanted(i))
                .map(|i| (u8::from(self.areas[i as usize].search_name != key), i))
                .collect()
        };
        dedup_best_class(&mut found);
        if found.len() >= limit || found.iter().any(|(class, _)| *class == 0) || key.is_empty() {
            return self.ranked(found, limit);
        }
        let word_keys: Vec<String> = words.iter().map(|w| search_key(w)).collect();
        let contains_every_word = |name: &str| word_keys.iter().all(|w| name.contains(w.as_str()));
        let mut found: Vec<(u8, u32)> = self
            .containing(&word_keys)
            .chain(self.by_code.get(&code).into_iter().flatten().copied())
            .chain(
                self.by_postal_code
                    .get(&code)
                    .into_iter()
                    .flatten()
                    .copied(),
            )
            .filter(|i| wanted(i))
            .filter_map(|i| {
                let area = &self.areas[i as usize];
                let postal = area.row.postal_codes.contains(&code);
                let class = if area.row.code == code || area.search_name == key {
                    0
                } else if area.search_name.starts_with(&key) || postal {
                    1
                } else if contains_every_word(&area.search_name) {
                    2
                } else {
                    return None;
                };
                Some((class, i))
            })
            .collect();
        dedup_best_class(&mut found);
        if !found.is_empty() {
            return self.ranked(found, limit);
        }
        self.closest(&key, wanted, limit)
    }

    /// Current areas whose search key starts with `prefix`, from the name order.
    fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = u32> + 'a {
        let start = self
            .by_name
            .partition_point(|i| self.areas[*i as usize].search_name.as_str() < prefix);
        self.by_name[start..]
            .iter()
            .copied()
            .take_while(move |i| self.areas[*i as usize].search_name.starts_with(prefix))
    }

    /// Candidates for names containing every word: the areas holding every trigram of the
    /// word with the rarest one (a word lies inside one word of a name, so the name has its
    /// trigrams), or every current area when no word is three characters long.
    fn containing(&self, word_keys: &[String]) -> Box<dyn Iterator<Item = u32> + '_> {
        let rarest = word_keys
            .iter()
            .filter(|w| !w.contains(' '))
            .flat_map(|w| w.as_bytes().windows(3).map(trigram_of))
            .map(|t| self.by_trigram.get(&t).map_or(&[][..], Vec::as_slice))
            .min_by_key(|postings| postings.len());
        match rarest {
            Some(postings) => Box::new(postings.iter().copied()),
            None => Box::new(self.by_name.iter().copied()),
        }
    }

    /// The areas whose names are closest to `key` (pg_trgm distance, at most
    /// [`MAX_DISTANCE`]), the `limit` closest by distance rounded to hundredths, then
    /// population.
    fn closest(&self, key: &str, wanted: impl Fn(&u32) -> bool, limit: usize) -> Vec<AreaRow> {
        let query = trigrams(key);
        if query.is_empty() {
            return Vec::new();
        }
        // Trigrams shared with each area, and the areas sharing any.
        let mut shared = vec![0u16; self.areas.len()];
        let mut sharing = Vec::new();
        for trigram in &query {
            for i in self.by_trigram.get(trigram).into_iter().flatten() {
                if shared[*i as usize] == 0 {
                    sharing.push(*i);
                }
                shared[*i as usize] += 1;
            }
        }
        let mut near: Vec<(f32, u32)> = sharing
            .into_iter()
            .filter(|i| wanted(i))
            .map(|i| {
                let common = shared[i as usize];
                let (common, total) = (
                    f32::from(common),
                    (query.len() + self.trigram_counts[i as usize] as usize) as f32,
                );
                (1.0 - common / (total - common), i)
            })
            .filter(|(distance, _)| *distance <= MAX_DISTANCE)
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| self.by_rank(a.1, b.1)));
        near.truncate(limit);
        near.sort_by(|a, b| {
            let rounded = |d: f32| (d * 100.0).round() as i32;
            rounded(a.0)
                .cmp(&rounded(b.0))
                .then_with(|| self.by_rank(a.1, b.1))
        });
        near.into_iter()
            .map(|(_, i)| self.areas[i as usize].row.clone())
            .collect()
    }

    /// `found` best class first, then larger populations, then by name; at most `limit`.
    fn ranked(&self, mut found: Vec<(u8, u32)>, limit: usize) -> Vec<AreaRow> {
        found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| self.by_rank(a.1, b.1)));
        found
            .into_iter()
            .take(limit)
            .map(|(_, i)| self.areas[i as usize].row.clone())
            .collect()
    }

    /// Larger populations first (unknown last), then by name.
    fn by_rank(&self, a: u32, b: u32) -> Ordering {
        let (a, b) = (&self.areas[a as usize].row, &self.areas[b as usize].row);
        match (a.population, b.population) {
            (Some(x), Some(y)) => y.cmp(&x),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        }
        .then_with(|| a.name.cmp(&b.name))
    }
}

/// Each area once, in its best class (an area can be found both by code and by postal code).
fn dedup_best_class(found: &mut Vec<(u8, u32)>) {
    found.sort_by_key(|(class, i)| (*i, *class));
    found.dedup_by_key(|(_, i)| *i);
}

/// The key search compares, as the database's `search_key`: without accents, lower case,
/// every run of other characters than `a-z` and `0-9` one space, trimmed.
pub fn search_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfd().flat_map(char::to_lowercase) {
        let spelled = match c {
            'a'..='z' | '0'..='9' => Some(c.encode_utf8(&mut [0; 4]).to_owned()),
            'œ' => Some("oe".to_owned()),
            'æ' => Some("ae".to_owned()),
            'ß' => Some("ss".to_owned()),
            'ø' => Some("o".to_owned()),
            'ł' => Some("l".to_owned()),
            'đ' => Some("d".to_owned()),
            // Accents, cedillas and the like, left by the decomposition.
            '\u{300}'..='\u{36f}' => continue,
            _ => None,
        };
        match spelled {
            Some(letters) => {
                if space && !key.is_empty() {
                    key.push(' ');
                }
                space = false;
                key.push_str(&letters);
            }
            None => space = true,
        }
    }
    key
}

fn trigram_of(bytes: &[u8]) -> Trigram {
    u32::from(bytes[0]) << 16 | u32::from(bytes[1]) << 8 | u32::from(bytes[2])
}

/// The distinct trigrams of a search key as pg_trgm counts them: each word padded with two
/// spaces before and one after.
fn trigrams(key: &str) -> Vec<Trigram> {
    let mut trigrams: Vec<Trigram> = key
        .split(' ')
        .filter(|w| !w.is_empty())
        .flat_map(|word| {
            let padded = format!("  {word} ");
            padded
                .as_bytes()
                .windows(3)
                .map(trigram_of)
                .collect::<Vec<_>>()
        })
        .collect();
    trigrams.sort_unstable();
    trigrams.dedup();
    trigrams
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(id: i64, kind: AreaKind, code: &str, name: &str, population: i32) -> IndexedArea {
        IndexedArea {
            row: AreaRow {
                geo_area_id: id,
                kind,
                code: code.to_owned(),
                name: name.to_owned(),
                population: Some(population),
                departement_code: None,
                departement_name: None,
                region_code: None,
                region_name: None,
                epci_code: None,
                epci_name: None,
                epci_type: None,
                postal_codes: vec![format!("{}0", &code[..4])],
            },
            search_name: search_key(name),
            retired: false,
        }
    }

    fn index() -> GeoIndex {
        GeoIndex::new(vec![
            area(1, AreaKind::Commune, "42218", "Saint-Étienne", 170_000),
            area(
                2,
                AreaKind::Commune,
                "76575",
                "Saint-Étienne-du-Rouvray",
                28_000,
            ),
            area(3, AreaKind::Commune, "34172", "Montpellier", 300_000),
            area(4, AreaKind::Commune, "83115", "Sainte-Maxime", 14_000),
            area(5, AreaKind::Commune, "69123", "Lyon", 520_000),
            area(6, AreaKind::Commune, "27355", "Lyons-la-Forêt", 700),
            area(7, AreaKind::Commune, "69202", "Sainte-Foy-lès-Lyon", 22_000),
            area(
                8,
                AreaKind::Epci,
                "200046977",
                "Métropole de Lyon",
                1_400_000,
            ),
        ])
    }

    fn names(rows: Vec<AreaRow>) -> Vec<String> {
        rows.into_iter().map(|r| r.name).collect()
    }

    #[test]
    fn keys_are_the_databases() {
        assert_eq!(search_key("Saint-Étienne"), "saint etienne");
        assert_eq!(search_key("  L'Haÿ-les-Roses "), "l hay les roses");
        assert_eq!(search_key("Œuilly"), "oeuilly");
        assert_eq!(search_key("--"), "");
    }

    #[test]
    fn trigrams_are_pg_trgms() {
        // select show_trgm('ab') gives {"  a"," ab","ab "}.
        assert_eq!(trigrams("ab").len(), 3);
        // "  saint " has 6; "  saint etienne " 6 + 8.
        assert_eq!(trigrams("saint").len(), 6);
        assert_eq!(trigrams("saint etienne").len(), 14);
    }

    #[test]
    fn abbreviations_prefixes_and_codes_rank_as_expected() {
        let index = index();
        assert_eq!(
            names(index.search("st etienne", None, 20))[0],
            "Saint-Étienne"
        );
        assert_eq!(
            names(index.search("st-etienne", None, 20))[0],
            "Saint-Étienne"
        );
        assert_eq!(
            names(index.search("ste maxime", None, 20)),
            ["Sainte-Maxime"]
        );
        assert_eq!(names(index.search("69123", None, 20)), ["Lyon"]);
        assert_eq!(
            names(index.search("69120", None, 20)),
            ["Lyon"],
            "postal code"
        );
        // An exact name: names merely containing it are not appended.
        assert_eq!(
            names(index.search("lyon", None, 20)),
            ["Lyon", "Lyons-la-Forêt"]
        );
        assert_eq!(
            names(index.search("lyon", Some("epci"), 20)),
            ["Métropole de Lyon"],
            "the kind filter, then names containing the word"
        );
        assert_eq!(
            names(index.search("foy lyon", None, 20)),
            ["Sainte-Foy-lès-Lyon"]
        );
    }

    #[test]
    fn typos_find_the_closest_name_and_nothing_far() {
        let index = index();
        assert_eq!(names(index.search("montpelier", None, 20)), ["Montpellier"]);
        assert!(index.search("zzzzzz", None, 20).is_empty());
    }

    #[test]
    fn retired_areas_are_not_found() {
        let mut areas = vec![area(1, AreaKind::Commune, "01001", "Abergement", 800)];
        areas[0].retired = true;
        let index = GeoIndex::new(areas);
        assert!(index.search("01001", None, 20).is_empty());
        assert!(index.search("abergement", None, 20).is_empty());
    }
}
