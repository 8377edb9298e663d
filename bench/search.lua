-- Geography search load: varied queries (names, prefixes, codes, postal codes, typos).
local queries = {
  "lyon", "marseille", "saint", "st etienne", "annecy", "69123", "13055", "2a004", "75056",
  "bordeaux", "nant", "montpelier", "valence", "aix", "plou", "sainte marie", "chateau",
  "33000", "grenoble", "strasbourg", "lille", "rennes", "toulouse", "nice", "dijon",
  "clermont", "le mans", "brest", "limoges", "tours", "amiens", "perpignan", "metz",
  "besancon", "orleans", "rouen", "mulhouse", "caen", "nancy", "argenteuil", "saint denis",
  "villeneuve", "bourg", "montreuil", "roubaix", "avignon", "poitiers", "pau", "la rochelle",
}
local n = 0
local base = {}

-- The headers given with -H (a browser's, defined once in bench/run; Host is among them) and the
-- session cookie given as the script's argument.
function init(args)
  for name, value in pairs(wrk.headers) do base[name] = value end
  base["Cookie"] = args[1]
end

function request()
  n = n + 1
  local q = string.gsub(queries[(n % #queries) + 1], " ", "+")
  -- A fresh table: wrk.format writes Content-Length into the one it is given.
  local headers = {}
  for name, value in pairs(base) do headers[name] = value end
  return wrk.format("GET", "/geo/recherche?q=" .. q, headers)
end
