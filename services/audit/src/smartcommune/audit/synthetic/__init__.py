"""Synthetic province histories, written through the kit onto the real broker.

`province.make_province` lays out communes and villages, `history.commune_history` invents years
of facts for one commune with the producing services' own payload models, and
`writer.ProvinceWriter` appends them with the kit's `EventStore` (one store per service, so every
chain is a real chain) and publishes them with the kit's `OutboxRelay`.
"""
