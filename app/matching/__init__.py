"""Supply–demand matching (供需智能匹配): mentors and listings for a startup, startups for mentors and providers."""
