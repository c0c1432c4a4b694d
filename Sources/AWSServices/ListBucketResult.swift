/// ListObjectsV2's XML answer, read for the few elements used.
enum ListBucketResult {
    static func parse(_ xml: String) throws(AWSError) -> (objects: [S3ObjectSummary], nextToken: String?) {
        guard xml.contains("<ListBucketResult") else { throw .invalidResponse("not a ListBucketResult") }
        var objects: [S3ObjectSummary] = []
        var rest = xml[...]
        while let open = rest.firstRange(of: "<Contents>"),
            let close = rest[open.upperBound...].firstRange(of: "</Contents>")
        {
            let entry = String(rest[open.upperBound..<close.lowerBound])
            guard let key = ErrorDecoding.xmlElement("Key", in: entry) else {
                throw .invalidResponse("a Contents without a Key")
            }
            objects.append(
                S3ObjectSummary(
                    key: key, size: ErrorDecoding.xmlElement("Size", in: entry).flatMap(Int.init) ?? 0,
                    eTag: ErrorDecoding.xmlElement("ETag", in: entry) ?? "",
                    lastModified: ErrorDecoding.xmlElement("LastModified", in: entry) ?? ""))
            rest = rest[close.upperBound...]
        }
        let truncated = ErrorDecoding.xmlElement("IsTruncated", in: xml) == "true"
        return (objects, truncated ? ErrorDecoding.xmlElement("NextContinuationToken", in: xml) : nil)
    }
}
