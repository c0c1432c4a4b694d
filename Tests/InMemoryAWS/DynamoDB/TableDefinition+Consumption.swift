extension TableDefinition {
    /// The project's table as template.yaml declares it (string `pk` and `sk`, the `DayMeters` index and what it
    /// projects, a stream): the one shape the simulation and the query tests create, so neither drifts from it.
    public static func consumption(name: String, streamEnabled: Bool = true) -> TableDefinition {
        TableDefinition(
            name: name,
            key: KeySchema(partition: KeyAttribute("pk", .string), sort: KeyAttribute("sk", .string)),
            globalIndexes: [
                GlobalIndexDefinition(
                    name: "DayMeters",
                    key: KeySchema(partition: KeyAttribute("dayShard", .string), sort: KeyAttribute("meter", .string)),
                    projection: .include([
                        "value", "line", "key", "tag", "versionId", "eTag", "lastModified", "flow", "notActual",
                        "missingIntervals",
                    ]))
            ],
            streamEnabled: streamEnabled)
    }
}
