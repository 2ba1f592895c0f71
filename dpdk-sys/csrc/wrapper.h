/* Headers bindgen reads, and the prototypes of the shim in shim.c. */
#include <rte_config.h>
#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_launch.h>
#include <rte_cycles.h>
#include <rte_version.h>
#include <rte_dev.h>
#include <rte_bus_vdev.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>
#include <rte_ether.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_rcu_qsbr.h>
#include <rte_vhost.h>
#include <rte_eth_vhost.h>

/* Wrappers for DPDK's static inline functions (bindgen cannot link those). */
uint16_t lisa_eth_rx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **rx_pkts, uint16_t nb_pkts);
uint16_t lisa_eth_tx_burst(uint16_t port_id, uint16_t queue_id, struct rte_mbuf **tx_pkts, uint16_t nb_pkts);
struct rte_mbuf *lisa_pktmbuf_alloc(struct rte_mempool *mp);
int lisa_pktmbuf_alloc_bulk(struct rte_mempool *mp, struct rte_mbuf **mbufs, unsigned count);
void lisa_pktmbuf_free(struct rte_mbuf *m);
struct rte_mbuf *lisa_pktmbuf_clone(struct rte_mbuf *md, struct rte_mempool *mp);
void lisa_pktmbuf_refcnt_update(struct rte_mbuf *m, int16_t value);
uint16_t lisa_mbuf_refcnt_read(const struct rte_mbuf *m);
char *lisa_pktmbuf_prepend(struct rte_mbuf *m, uint16_t len);
char *lisa_pktmbuf_adj(struct rte_mbuf *m, uint16_t len);
char *lisa_pktmbuf_append(struct rte_mbuf *m, uint16_t len);
int lisa_pktmbuf_trim(struct rte_mbuf *m, uint16_t len);
unsigned lisa_lcore_id(void);
uint64_t lisa_rdtsc(void);
void lisa_prefetch0(const void *p);
int lisa_errno(void);
int lisa_pktmbuf_chain(struct rte_mbuf *head, struct rte_mbuf *tail);
/* vhost-user bursts through the vhost library, gated on the device (shim.c). */
/* Called (from the vhost-user thread, no worker in the own datapath) before
 * a message that may change the device: port, vid, the request, its payload. */
typedef void (*lisa_vhost_pause_fn)(uint16_t port_id, int vid, uint32_t request, const uint8_t *payload);
int lisa_vhost_attach(uint16_t port_id, struct rte_mempool *pool, lisa_vhost_pause_fn on_pause);
/* lisad's own vhost datapath: enter returns the gate's epoch (0: closed)
 * and the device's vid; leave after the burst, whatever enter returned. */
uint32_t lisa_vhost_own_enter(uint16_t port_id, unsigned worker, int *vid);
void lisa_vhost_own_leave(unsigned worker);
/* True if the front end has vring `vring` of the port ready and enabled. */
int lisa_vhost_vring_enabled(uint16_t port_id, uint16_t vring);
/* Frees n mbufs a burst sent (one put to the pool for plain ones). */
void lisa_mbuf_free_sent(struct rte_mbuf **pkts, uint16_t n);
/* Writes a used-buffer notification to a guest's call eventfd. */
void lisa_vhost_kick(int callfd);
void lisa_vhost_detach(uint16_t port_id);
uint16_t lisa_vhost_rx(uint16_t port_id, uint16_t queue_id, unsigned worker, struct rte_mbuf **pkts, uint16_t n);
uint16_t lisa_vhost_tx(uint16_t port_id, uint16_t queue_id, unsigned worker, struct rte_mbuf **pkts, uint16_t n);
