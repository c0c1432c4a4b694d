/// One entry of a key's history, as ListObjectVersions reports it: a version, or a delete marker.
public struct S3VersionEntry: Sendable, Equatable {
    public var key: String
    public var versionID: String
    public var isDeleteMarker: Bool
    public var isLatest: Bool
    /// ISO 8601 as the listing writes it (`2026-11-22T01:02:03.000Z`).
    public var lastModified: String
}

/// ListObjectVersions' XML answer, read for the few elements used. S3 writes a key's versions and delete markers
/// interleaved, newest first; some stand-ins write all versions, then all markers. Entries keep document order,
/// and `newestFirst` orders them by what both agree on.
enum ListVersionsResult {
    static func parse(_ xml: String) throws(AWSError) -> (
        entries: [S3VersionEntry], nextKeyMarker: String?, nextVersionIDMarker: String?
    ) {
        guard xml.contains("<ListVersionsResult") else { throw .invalidResponse("not a ListVersionsResult") }
        var entries: [S3VersionEntry] = []
        var rest = xml[...]
        while true {
            let version = rest.firstRange(of: "<Version>")
            let marker = rest.firstRange(of: "<DeleteMarker>")
            let isMarker: Bool
            let open: Range<Substring.Index>
            switch (version, marker) {
            case (let v?, let m?): (open, isMarker) = v.lowerBound < m.lowerBound ? (v, false) : (m, true)
            case (let v?, nil): (open, isMarker) = (v, false)
            case (nil, let m?): (open, isMarker) = (m, true)
            case (nil, nil): return finish(entries, xml)
            }
            let closing = isMarker ? "</DeleteMarker>" : "</Version>"
            guard let close = rest[open.upperBound...].firstRange(of: closing) else {
                throw .invalidResponse("an unclosed \(isMarker ? "DeleteMarker" : "Version")")
            }
            let entry = String(rest[open.upperBound..<close.lowerBound])
            guard let key = ErrorDecoding.xmlElement("Key", in: entry),
                let versionID = ErrorDecoding.xmlElement("VersionId", in: entry)
            else { throw .invalidResponse("a version without a Key or VersionId") }
            entries.append(
                S3VersionEntry(
                    key: key, versionID: versionID, isDeleteMarker: isMarker,
                    isLatest: ErrorDecoding.xmlElement("IsLatest", in: entry) == "true",
                    lastModified: ErrorDecoding.xmlElement("LastModified", in: entry) ?? ""))
            rest = rest[close.upperBound...]
        }
    }

    private static func finish(_ entries: [S3VersionEntry], _ xml: String) -> (
        entries: [S3VersionEntry], nextKeyMarker: String?, nextVersionIDMarker: String?
    ) {
        guard ErrorDecoding.xmlElement("IsTruncated", in: xml) == "true" else { return (entries, nil, nil) }
        return (
            entries, ErrorDecoding.xmlElement("NextKeyMarker", in: xml),
            ErrorDecoding.xmlElement("NextVersionIdMarker", in: xml)
        )
    }

    /// Newest first: the latest entry, then by LastModified (ISO 8601 sorts as text), then in listing order.
    static func newestFirst(_ entries: [S3VersionEntry]) -> [S3VersionEntry] {
        entries.enumerated().sorted { lhs, rhs in
            if lhs.element.isLatest != rhs.element.isLatest { return lhs.element.isLatest }
            if lhs.element.lastModified != rhs.element.lastModified {
                return lhs.element.lastModified > rhs.element.lastModified
            }
            return lhs.offset < rhs.offset
        }.map(\.element)
    }
}
