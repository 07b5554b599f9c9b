POSITIVE = [
    ("from 192.168.1.20 today", "IP_ADDRESS", "", "192.168.1.20"),
    ("host 8.8.8.8.", "IP_ADDRESS", "", "8.8.8.8"),
    ("addr=203.0.113.7:443", "IP_ADDRESS", "", "203.0.113.7"),
    ("v6 2001:db8::1 here", "IP_ADDRESS", "", "2001:db8::1"),
    ("v6 fe80::1ff:fe23:4567:890a%eth0", "IP_ADDRESS", "", "fe80::1ff:fe23:4567:890a"),
    (
        "full 2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "IP_ADDRESS",
        "",
        "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
    ),
    ("mapped ::ffff:192.0.2.128", "IP_ADDRESS", "", "::ffff:192.0.2.128"),
    ("leading zeros 010.000.000.001", "IP_ADDRESS", "", "010.000.000.001"),
    ("host=203.0.113.7,port", "IP_ADDRESS", "", "203.0.113.7"),
]
NEGATIVE = [
    ("version 1.2.3", "three-part version"),
    ("release v1.2.3.4 is out", "version-prefixed quad"),
    ("bump to version 10.0.0.1", "version word before the quad"),
    ("1.2.3.4.5", "five parts"),
    ("999.1.1.1", "octet out of range"),
    ("localhost is 127.0.0.1 and 0.0.0.0 binds all", "loopback and unspecified are skipped"),
    ("std::vector<int> and a::b", "C++ scopes"),
    ("MAC 00:1a:2b:3c:4d:5e", "MAC address"),
    ("at 12:30:45 sharp", "clock time"),
    ("Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36", "user agent"),
    ("OID 2.5.4.3", "object identifier"),
]
