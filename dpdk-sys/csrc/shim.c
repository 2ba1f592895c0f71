/*
 * Callable copies of DPDK's static inline fast-path functions.  Each one only
 * forwards to the inline original, so behaviour is exactly DPDK's.
 */
#include "wrapper.h"

uint16_t lisa_eth_rx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)
{
	return rte_eth_rx_burst(port_id, queue_id, rx_pkts, nb_pkts);
}

uint16_t lisa_eth_tx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **tx_pkts, uint16_t nb_pkts)
{
	return rte_eth_tx_burst(port_id, queue_id, tx_pkts, nb_pkts);
}

struct rte_mbuf *lisa_pktmbuf_alloc(struct rte_mempool *mp)
{
	return rte_pktmbuf_alloc(mp);
}

int lisa_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, unsigned count)
{
	return rte_pktmbuf_alloc_bulk(mp, mbufs, count);
}

void lisa_pktmbuf_free(struct rte_mbuf *m)
{
	rte_pktmbuf_free(m);
}

struct rte_mbuf *lisa_pktmbuf_clone(struct rte_mbuf *md, struct rte_mempool *mp)
{
	return rte_pktmbuf_clone(md, mp);
}

void lisa_pktmbuf_refcnt_update(struct rte_mbuf *m, int16_t value)
{
	rte_pktmbuf_refcnt_update(m, value);
}

uint16_t lisa_mbuf_refcnt_read(const struct rte_mbuf *m)
{
	return rte_mbuf_refcnt_read(m);
}

char *lisa_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len)
{
	return rte_pktmbuf_prepend(m, len);
}

char *lisa_pktmbuf_adj(struct rte_mbuf *m, uint16_t len)
{
	return rte_pktmbuf_adj(m, len);
}

char *lisa_pktmbuf_append(struct rte_mbuf *m, uint16_t len)
{
	return rte_pktmbuf_append(m, len);
}

int lisa_pktmbuf_trim(struct rte_mbuf *m, uint16_t len)
{
	return rte_pktmbuf_trim(m, len);
}

unsigned lisa_lcore_id(void)
{
	return rte_lcore_id();
}

uint64_t lisa_rdtsc(void)
{
	return rte_rdtsc();
}

void lisa_prefetch0(const void *p)
{
	rte_prefetch0(p);
}

int lisa_errno(void)
{
	return rte_errno;
}

int lisa_pktmbuf_chain(struct rte_mbuf *head, struct rte_mbuf *tail)
{
	return rte_pktmbuf_chain(head, tail);
}
