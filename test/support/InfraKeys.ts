// The environment the services are described by (infra.sh's export line), for the globalSetup and the tests.
export const InfraEnvKeys = [
  "KAFKA_BROKERS",
  "S3_ENDPOINT",
  "S3_BUCKET",
  "S3_REGION",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "PEACESTATE_TEST_KAFKA_SASL_BROKERS",
  "PEACESTATE_TEST_KAFKA_SSL_BROKERS",
  "PEACESTATE_TEST_KAFKA_SSL_CA",
  "PEACESTATE_TEST_KAFKA_USER",
  "PEACESTATE_TEST_KAFKA_PASSWORD",
  "PEACESTATE_TEST_DATABASE_URL"
] as const
