-- A text in French and English, as the queries hand it to the application (one value where
-- rows used to carry two columns).
create type bilingual as (fr text, en text);
