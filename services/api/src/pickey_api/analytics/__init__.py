"""The creator's income dashboard: reads only the monthly rows the payments worker writes."""
