//! The snooper: IGMP snooping's state machines as pure logic (time is an
//! argument), unit-tested without DPDK.
