-- ARGV: prefix, now, id
return place_of(ARGV[3])
