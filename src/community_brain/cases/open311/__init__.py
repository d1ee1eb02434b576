"""Open311 GeoReport v2 endpoint (/open311/v2/)."""
