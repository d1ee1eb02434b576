"""The register (登记): community → compound → building → household → resident; shops; grids."""
