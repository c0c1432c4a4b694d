import AWSServices
import Timekeeping

extension MeterDaySettler {
    /// A settler of `tenant`'s keys in `bucket` as the function is configured: its parts go to the work queue when
    /// there is one, and a retired version's readings stay while S3 still stores it.
    init(
        configuration: IngestConfiguration, dynamo: DynamoDBClient, sqs: SQSClient, versions: KeyVersions,
        tenant: String, bucket: String, deadline: Deadline
    ) {
        let table = configuration.tableName
        let sources = SourceStore(dynamo: dynamo, table: table, tenant: tenant)
        self.init(
            dynamo: dynamo, table: table, tenant: tenant, sources: sources,
            jobs: SettleJobStore(dynamo: dynamo, table: table, tenant: tenant),
            recomputer: MeterDayRecomputer(
                dynamo: dynamo, table: table, tenant: tenant, sources: sources,
                parallelism: configuration.writeParallelism, deadline: deadline),
            fanOut: configuration.workQueueURL.map {
                SettleFanOut(
                    sqs: sqs, queueURL: $0, bucket: bucket, tenant: tenant,
                    partMeterDays: configuration.settlePartMeterDays)
            },
            parallelism: configuration.writeParallelism, deadline: deadline,
            stillStored: { (key, tag) throws(IngestFailure) -> Bool in
                try versions.storedTags(bucket: bucket, key: key).contains(tag)
            })
    }
}
