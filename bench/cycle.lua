-- wrk script: asks for the paths given after `--` in turn, each connection from its own start.
-- `wrk ... http://127.0.0.1:PORT/ -- /a /b?x=1 /c`
local paths = {}
local counter = 0

function init(args)
  for i, path in ipairs(args) do
    paths[i] = path
  end
  counter = math.random(#paths)
end

function request()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end
