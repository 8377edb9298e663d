-- Autosave load: POSTs distinct answers to the criteria of the draft assessments given as
-- arguments ("<id> <code,code,...>" pairs), each based on the version the previous answer to
-- that criterion returned, never two at once on one criterion (so a conflict would be a bug).
-- Requests carry the headers given with -H (a browser's, defined once in bench/run), so the
-- answers come back brotli-coded: they are decoded with libbrotlidec (LuaJIT FFI) to read the
-- version and the criterion they are about.
local ffi = require("ffi")
ffi.cdef [[
int BrotliDecoderDecompress(size_t encoded_size, const uint8_t *encoded_buffer,
                            size_t *decoded_size, uint8_t *decoded_buffer);
]]
local brotli
for _, name in ipairs({ "libbrotlidec.so.1", "brotlidec" }) do
  local ok, lib = pcall(ffi.load, name)
  if ok then
    brotli = lib
    break
  end
end
if brotli == nil then
  error("bench/autosave.lua: libbrotlidec.so.1 not found (install libbrotli1)")
end
local CAPACITY = 1024 * 1024
local decoded = ffi.new("uint8_t[?]", CAPACITY)
local decoded_size = ffi.new("size_t[1]")

local slots, free, inflight, version = {}, {}, {}, {}
local counter = 0
local base = {}

function init(args)
  for name, value in pairs(wrk.headers) do base[name] = value end
  base["Content-Type"] = "application/x-www-form-urlencoded"
  base["HX-Request"] = "true"
  base["Cookie"] = args[1]
  for i = 2, #args, 2 do
    local id = args[i]
    for code in string.gmatch(args[i + 1], "[^,]+") do
      local key = "/evaluations/" .. id .. "/reponses/" .. code
      table.insert(slots, { path = key, code = code })
      version[key] = 1
    end
  end
  for i = 1, #slots do free[i] = i end
end

function request()
  local index = table.remove(free, 1)
  if index == nil then
    -- Every criterion has a save in flight: fall back to the first (counted as a conflict).
    index = 1
  end
  local slot = slots[index]
  inflight[slot.path] = index
  counter = counter + 1
  local code = slot.code
  local body = code .. ".level=" .. (counter % 5) .. "&" .. code .. ".importance=" .. (1 + counter % 3)
    .. "&" .. code .. ".evidence=constat+" .. counter .. "&" .. code .. ".version=" .. version[slot.path]
  -- A fresh table: wrk.format writes Content-Length into the one it is given.
  local headers = {}
  for name, value in pairs(base) do headers[name] = value end
  return wrk.format("POST", slot.path, headers, body)
end

-- The body as the server wrote it, decoded when brotli-coded; any other coding stops the run
-- rather than turn every later save into a conflict.
local function plain(headers, body)
  local coding
  for name, value in pairs(headers) do
    if string.lower(name) == "content-encoding" then coding = string.lower(value) end
  end
  if coding == nil or coding == "identity" then
    return body
  end
  if coding ~= "br" then
    error("bench/autosave.lua: cannot decode Content-Encoding " .. coding)
  end
  decoded_size[0] = CAPACITY
  if brotli.BrotliDecoderDecompress(#body, body, decoded_size, decoded) ~= 1 then
    error("bench/autosave.lua: undecodable brotli answer (" .. #body .. " bytes)")
  end
  return ffi.string(decoded, decoded_size[0])
end

function response(status, headers, body)
  local saved, path = string.match(plain(headers, body),
    'value="(%d+)" data%-hx%-swap%-oob="true" data%-saved%-at="([^"]+)"')
  if path ~= nil then
    version[path] = tonumber(saved)
    local index = inflight[path]
    if index ~= nil then
      inflight[path] = nil
      table.insert(free, index)
    end
  end
end
