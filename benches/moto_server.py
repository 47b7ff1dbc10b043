"""Runs moto's server for the fleet benchmark, with one emulator artifact removed.

moto 5.2.5 looks up an EC2 resource's tags by scanning every tag of the account
(`TagBackend.describe_tags` with a `resource-id` filter), once per resource it renders: a
DescribeVolumes or DescribeSnapshots answer costs resources x tags. On the large fleet
that is ~51 s for one DescribeVolumes, which AWS answers in about a second per page of
1,000. The scan is the same for every client, so it would only bury the difference between
them. This wraps the exact-id lookup in a dictionary read; the answers are unchanged
(the filter is an anchored fnmatch pattern, so an id without wildcards matches only
itself). Anything else goes to moto's own code.

Usage: moto_server.py -H 127.0.0.1 -p PORT   (moto's own arguments)
"""

import sys

from moto.ec2.models.tags import TagBackend
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix
from moto.server import main

_scan = TagBackend.describe_tags


def describe_tags(self, filters=None):
    ids = (filters or {}).get("resource-id")
    if ids and set(filters) == {"resource-id"} and not any(c in i for i in ids for c in "*?\\"):
        return [
            {
                "resource_id": i,
                "key": key,
                "value": value,
                "resource_type": EC2_PREFIX_TO_RESOURCE.get(get_prefix(i), ""),
            }
            for i in dict.fromkeys(ids)
            if i in self.tags
            for key, value in list(self.tags[i].items())
        ]
    return _scan(self, filters)


TagBackend.describe_tags = describe_tags

if __name__ == "__main__":
    main(sys.argv[1:])
