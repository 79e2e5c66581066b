from dagster import DynamicPartitionsDefinition

# One partition per fiscal year present in raw/; the build and the raw/ sensor add them.
fiscal_year_partitions = DynamicPartitionsDefinition(name="fiscal_year")
