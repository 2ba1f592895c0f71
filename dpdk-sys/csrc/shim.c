/*
 * Callable copies of DPDK's static inline fast-path functions.  Each one only
 * forwards to the inline original, so behaviour is exactly DPDK's.
 */
#include "wrapper.h"
#include <rte_ip.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

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

/*
 * vhost-user bursts straight through the vhost library (as OVS does), not
 * through the net_vhost PMD's rx/tx functions, which count per-packet size
 * and multicast statistics and free sent buffers one by one. The PMD still
 * owns the device: it creates the socket, and reports the device's arrival
 * and departure as link-state events, from inside its new_device and
 * destroy_device callbacks. destroy_device raises its event before the
 * vhost library frees the device, so the event handler below closes the
 * port's gate and waits until no worker is inside a burst on it: no burst
 * ever runs on a device that is going (the PMD's own allow/while_queuing
 * protocol, for our bursts).
 */
#include <pthread.h>
#include <string.h>
#include <rte_pause.h>

/* Workers are EAL lcores: their ids stay below RTE_MAX_LCORE. */
#define LISA_VHOST_WORKERS RTE_MAX_LCORE

/* A worker's mark while inside lisad's own datapath on a port (it reads
 * and writes the guest's rings itself), as opposed to a burst through the
 * vhost library, which the library's own queue locks guard. */
#define LISA_VHOST_OWN 0x80000000u

/* Per worker: the port (+1, | LISA_VHOST_OWN) whose burst it is inside,
 * or 0. */
struct lisa_vhost_worker {
	uint32_t in_port;
} __rte_cache_aligned;

static struct lisa_vhost_worker lisa_vhost_workers[LISA_VHOST_WORKERS];

struct lisa_vhost_port {
	int vid;
	/* 0: closed; else the epoch of this opening (a new one each time). */
	uint32_t open;
	/* Closed by the message hook, to reopen once the message is handled. */
	int paused;
	struct rte_mempool *pool;
	lisa_vhost_pause_fn on_pause;
};

static struct lisa_vhost_port lisa_vhost_ports[RTE_MAX_ETHPORTS];
static pthread_mutex_t lisa_vhost_lock = PTHREAD_MUTEX_INITIALIZER;
static uint32_t lisa_vhost_epoch;

/* The vhost library's most vrings a device has (VHOST_MAX_VRING). */
#define LISA_VHOST_VRINGS 256

/* Per port: the vrings the front end has ready and enabled, as the
 * net_vhost PMD's queue events tell (the library keeps its own flag
 * private). lisad's own datapath leaves a disabled ring alone, as the
 * library does: a guest using fewer queue pairs than it has does not
 * read the others. */
static uint8_t lisa_vhost_enabled[RTE_MAX_ETHPORTS][LISA_VHOST_VRINGS];

/* Closes the port's gate and waits until no worker is inside a burst on
 * it: every burst, or (own_only) the ones in lisad's own datapath. */
static void lisa_vhost_close(uint16_t port_id, int own_only)
{
	__atomic_store_n(&lisa_vhost_ports[port_id].open, 0, __ATOMIC_SEQ_CST);
	uint32_t mask = own_only ? ~0u : ~LISA_VHOST_OWN;
	uint32_t want = own_only ? (port_id + 1u) | LISA_VHOST_OWN : port_id + 1u;
	for (unsigned w = 0; w < LISA_VHOST_WORKERS; w++)
		while ((__atomic_load_n(&lisa_vhost_workers[w].in_port, __ATOMIC_SEQ_CST) & mask) == want)
			rte_pause();
}

static void lisa_vhost_open(uint16_t port_id)
{
	uint32_t epoch = ++lisa_vhost_epoch;
	if (epoch == 0)
		epoch = ++lisa_vhost_epoch;
	__atomic_store_n(&lisa_vhost_ports[port_id].open, epoch, __ATOMIC_SEQ_CST);
}

static int lisa_vhost_port_of(int vid)
{
	for (int p = 0; p < RTE_MAX_ETHPORTS; p++)
		if (lisa_vhost_ports[p].pool != NULL && lisa_vhost_ports[p].vid == vid)
			return p;
	return -1;
}

/* vhost-user requests that only read the device: no pause for them. */
static int lisa_vhost_msg_reads_only(uint32_t request)
{
	switch (request) {
	case 1:  /* GET_FEATURES */
	case 15: /* GET_PROTOCOL_FEATURES */
	case 17: /* GET_QUEUE_NUM */
	case 24: /* GET_CONFIG */
	case 40: /* GET_STATUS */
		return 1;
	default:
		return 0;
	}
}

/* vhost-user's SET_VRING_ENABLE, and its payload (struct
 * vhost_vring_state). */
#define LISA_VHOST_SET_VRING_ENABLE 18
struct lisa_vhost_vring_state {
	uint32_t index;
	uint32_t num;
};

/* Reopens the port's gate paused by a message hook, with a new epoch (the
 * workers read the device afresh), if the device still runs. Under
 * lisa_vhost_lock. */
static void lisa_vhost_unpause(int port, int vid)
{
	if (!lisa_vhost_ports[port].paused)
		return;
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	lisa_vhost_ports[port].paused = 0;
	if (rte_eth_link_get_nowait(port, &link) == 0 && link.link_status == RTE_ETH_LINK_UP &&
	    rte_eth_vhost_get_vid_from_port_id(port) == vid)
		lisa_vhost_open(port);
}

/* Before the library handles a message that may change the device (its
 * features, memory, rings, or the device itself): the workers leave
 * lisad's own datapath on the port, and lisad hands the ring indices it
 * kept back to the library (on_pause), so that the library (and through
 * GET_VRING_BASE the front end) sees where the rings are. The library
 * holds every queue's lock here for most of these messages: a worker
 * inside a library burst would wait for it, so only the own datapath is
 * waited for. */
static enum rte_vhost_msg_result lisa_vhost_pre_msg(int vid, void *msg)
{
	const uint32_t *words = msg;
	const uint8_t *payload = (const uint8_t *)msg + 12;
	if (lisa_vhost_msg_reads_only(words[0]))
		return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
	pthread_mutex_lock(&lisa_vhost_lock);
	int port = lisa_vhost_port_of(vid);
	if (port < 0) {
		pthread_mutex_unlock(&lisa_vhost_lock);
		return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
	}
	struct lisa_vhost_port *p = &lisa_vhost_ports[port];
	if (__atomic_load_n(&p->open, __ATOMIC_SEQ_CST) != 0) {
		p->paused = 1;
		lisa_vhost_close(port, 1);
	}
	if (words[0] == LISA_VHOST_SET_VRING_ENABLE) {
		/* A vring being disabled is left alone from now on: the PMD's
		 * queue event saying so comes only after the gate reopened.
		 * (Enabling waits for that event: the handler may refuse.) */
		struct lisa_vhost_vring_state st;
		memcpy(&st, payload, sizeof(st));
		if (st.num == 0 && st.index < LISA_VHOST_VRINGS)
			__atomic_store_n(&lisa_vhost_enabled[port][st.index], 0, __ATOMIC_SEQ_CST);
	}
	if (p->on_pause != NULL)
		p->on_pause(port, vid, words[0], payload);
	pthread_mutex_unlock(&lisa_vhost_lock);
	return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
}

/* After the message: the gate reopens. The library skips this hook after
 * a handler that failed (with REPLY_ACK the connection stays), and calls
 * it after every message it handles, read-only ones too: the gate paused
 * for a refused message reopens after the front end's next message. */
static enum rte_vhost_msg_result lisa_vhost_post_msg(int vid, void *msg)
{
	(void)msg;
	pthread_mutex_lock(&lisa_vhost_lock);
	int port = lisa_vhost_port_of(vid);
	if (port >= 0)
		lisa_vhost_unpause(port, vid);
	pthread_mutex_unlock(&lisa_vhost_lock);
	return RTE_VHOST_MSG_RESULT_NOT_HANDLED;
}

static const struct rte_vhost_user_extern_ops lisa_vhost_hooks = {
	.pre_msg_handle = lisa_vhost_pre_msg,
	.post_msg_handle = lisa_vhost_post_msg,
};

/* Takes the PMD's queue events into lisa_vhost_enabled; true if any came.
 * Under lisa_vhost_lock. */
static int lisa_vhost_take_queue_events(uint16_t port_id)
{
	struct rte_eth_vhost_queue_event ev;
	int any = 0;
	while (rte_eth_vhost_get_queue_event(port_id, &ev) == 0) {
		unsigned vring = ev.queue_id * 2u + (ev.rx ? 1u : 0u);
		if (vring < LISA_VHOST_VRINGS)
			__atomic_store_n(&lisa_vhost_enabled[port_id][vring], ev.enable ? 1 : 0, __ATOMIC_SEQ_CST);
		any = 1;
	}
	return any;
}

/* A vring was enabled or disabled (after the message that did it, and
 * after the post-message hook): a new epoch, so that the workers look at
 * the rings again. */
static int lisa_vhost_queue_state(uint16_t port_id, enum rte_eth_event_type event, void *cb_arg, void *ret_param)
{
	(void)event;
	(void)cb_arg;
	(void)ret_param;
	pthread_mutex_lock(&lisa_vhost_lock);
	if (lisa_vhost_take_queue_events(port_id) &&
	    __atomic_load_n(&lisa_vhost_ports[port_id].open, __ATOMIC_SEQ_CST) != 0)
		lisa_vhost_open(port_id);
	pthread_mutex_unlock(&lisa_vhost_lock);
	return 0;
}

int lisa_vhost_vring_enabled(uint16_t port_id, uint16_t vring)
{
	if (port_id >= RTE_MAX_ETHPORTS || vring >= LISA_VHOST_VRINGS)
		return 0;
	return __atomic_load_n(&lisa_vhost_enabled[port_id][vring], __ATOMIC_SEQ_CST);
}

/* The device came or went (every worker out): lisad forgets the rings it
 * worked, without handing their indices to anyone (the library hands out
 * the lowest free vid, so the next device is often given the same one, and
 * must not get the old device's indices). Under lisa_vhost_lock. */
static void lisa_vhost_forget_rings(uint16_t port_id)
{
	if (lisa_vhost_ports[port_id].on_pause != NULL)
		lisa_vhost_ports[port_id].on_pause(port_id, -1, 0, NULL);
}

/* Opens or closes the gate as the link (the device) came or went. */
static void lisa_vhost_follow(uint16_t port_id)
{
	struct rte_eth_link link;
	memset(&link, 0, sizeof(link));
	pthread_mutex_lock(&lisa_vhost_lock);
	int up = rte_eth_link_get_nowait(port_id, &link) == 0 && link.link_status == RTE_ETH_LINK_UP;
	int vid = up ? rte_eth_vhost_get_vid_from_port_id(port_id) : -1;
	if (vid >= 0) {
		lisa_vhost_close(port_id, 0);
		lisa_vhost_forget_rings(port_id);
		lisa_vhost_take_queue_events(port_id);
		lisa_vhost_ports[port_id].vid = vid;
		lisa_vhost_ports[port_id].paused = 0;
		/* Per connection: the library forgets them with the device. */
		rte_vhost_extern_callback_register(vid, &lisa_vhost_hooks, NULL);
		lisa_vhost_open(port_id);
	} else {
		lisa_vhost_close(port_id, 0);
		lisa_vhost_forget_rings(port_id);
		lisa_vhost_ports[port_id].paused = 0;
		/* A later device may take the same vid on another port. */
		lisa_vhost_ports[port_id].vid = -1;
		/* The PMD forgets the queues' states with the device. */
		memset(lisa_vhost_enabled[port_id], 0, sizeof(lisa_vhost_enabled[port_id]));
		lisa_vhost_take_queue_events(port_id);
	}
	pthread_mutex_unlock(&lisa_vhost_lock);
}

static int lisa_vhost_event(uint16_t port_id, enum rte_eth_event_type event, void *arg, void *ret)
{
	(void)event;
	(void)arg;
	(void)ret;
	lisa_vhost_follow(port_id);
	return 0;
}

int lisa_vhost_attach(uint16_t port_id, struct rte_mempool *pool, lisa_vhost_pause_fn on_pause)
{
	if (port_id >= RTE_MAX_ETHPORTS)
		return -EINVAL;
	pthread_mutex_lock(&lisa_vhost_lock);
	lisa_vhost_ports[port_id].pool = pool;
	lisa_vhost_ports[port_id].vid = -1;
	lisa_vhost_ports[port_id].paused = 0;
	lisa_vhost_ports[port_id].on_pause = on_pause;
	pthread_mutex_unlock(&lisa_vhost_lock);
	memset(lisa_vhost_enabled[port_id], 0, sizeof(lisa_vhost_enabled[port_id]));
	int rc = rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_QUEUE_STATE, lisa_vhost_queue_state, NULL);
	if (rc != 0)
		return rc;
	rc = rte_eth_dev_callback_register(port_id, RTE_ETH_EVENT_INTR_LSC, lisa_vhost_event, NULL);
	if (rc == 0)
		lisa_vhost_follow(port_id);
	return rc;
}

void lisa_vhost_detach(uint16_t port_id)
{
	if (port_id >= RTE_MAX_ETHPORTS)
		return;
	/* -EAGAIN: the handler is running right now; wait for it. */
	while (rte_eth_dev_callback_unregister(port_id, RTE_ETH_EVENT_INTR_LSC, lisa_vhost_event, NULL) == -EAGAIN)
		rte_pause();
	while (rte_eth_dev_callback_unregister(port_id, RTE_ETH_EVENT_QUEUE_STATE, lisa_vhost_queue_state, NULL) ==
	       -EAGAIN)
		rte_pause();
	/* Closed and forgotten under the lock (no hook finds the port after
	 * this), but waited for outside it: a worker in a library burst may
	 * wait for a queue lock that the vhost-user thread holds while its
	 * pre-message hook waits for this lock. */
	pthread_mutex_lock(&lisa_vhost_lock);
	__atomic_store_n(&lisa_vhost_ports[port_id].open, 0, __ATOMIC_SEQ_CST);
	lisa_vhost_ports[port_id].on_pause = NULL;
	lisa_vhost_ports[port_id].pool = NULL;
	lisa_vhost_ports[port_id].vid = -1;
	pthread_mutex_unlock(&lisa_vhost_lock);
	lisa_vhost_close(port_id, 0);
}

/* Marks worker `worker` inside a burst on `port_id`; true if the gate is
 * open (the device is there, and stays until lisa_vhost_leave). */
static inline int lisa_vhost_enter(struct lisa_vhost_worker *w, uint16_t port_id)
{
	__atomic_store_n(&w->in_port, port_id + 1u, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&lisa_vhost_ports[port_id].open, __ATOMIC_SEQ_CST) != 0;
}

static inline void lisa_vhost_leave(struct lisa_vhost_worker *w)
{
	__atomic_store_n(&w->in_port, 0, __ATOMIC_RELEASE);
}

uint32_t lisa_vhost_own_enter(uint16_t port_id, unsigned worker, int *vid)
{
	struct lisa_vhost_worker *w = &lisa_vhost_workers[worker % LISA_VHOST_WORKERS];
	__atomic_store_n(&w->in_port, (port_id + 1u) | LISA_VHOST_OWN, __ATOMIC_SEQ_CST);
	uint32_t epoch = __atomic_load_n(&lisa_vhost_ports[port_id].open, __ATOMIC_SEQ_CST);
	*vid = lisa_vhost_ports[port_id].vid;
	return epoch;
}

void lisa_vhost_own_leave(unsigned worker)
{
	lisa_vhost_leave(&lisa_vhost_workers[worker % LISA_VHOST_WORKERS]);
}

/* Frees the n mbufs a burst sent. A burst of plain mbufs (direct, one
 * segment, no other reference, all from one pool: what a switched frame
 * is) goes back to the pool's per-lcore cache in one put, as drivers do
 * with RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE; any other burst (a flooded
 * frame's shared copies, a routed jumbo's segments) takes
 * rte_pktmbuf_free_bulk, which handles them all. */
static inline void lisa_free_sent(struct rte_mbuf **pkts, uint16_t n)
{
	if (n == 0)
		return;
	struct rte_mempool *pool = pkts[0]->pool;
	for (uint16_t i = 0; i < n; i++) {
		const struct rte_mbuf *m = pkts[i];
		if (m->pool != pool || rte_mbuf_refcnt_read(m) != 1 || m->next != NULL ||
		    m->nb_segs != 1 || !RTE_MBUF_DIRECT(m)) {
			rte_pktmbuf_free_bulk(pkts, n);
			return;
		}
	}
	rte_mempool_put_bulk(pool, (void **)pkts, n);
}

/* Completes the TCP or UDP checksum a guest left partial. A guest that
 * negotiated VIRTIO_NET_F_CSUM (net_vhost offers it; QEMU's virtio-net and
 * Linux take it) sends TCP and UDP with only the pseudo-header summed
 * (VIRTIO_NET_HDR_F_NEEDS_CSUM); the vhost library marks such a packet
 * RTE_MBUF_F_RX_L4_CKSUM_NONE and leaves the sum to the application, as the
 * net_vhost PMD's rx does in software (vhost_dev_rx_sw_csum, whose steps
 * these are). Left partial, the frame reaches a kernel host or another
 * guest with a wrong checksum and its TCP drops it. */
static void lisa_vhost_rx_sw_csum(struct rte_mbuf *m)
{
	struct rte_net_hdr_lens lens;
	uint32_t ptype = rte_net_get_ptype(m, &lens, RTE_PTYPE_ALL_MASK);
	uint32_t hdr_len = lens.l2_len + lens.l3_len;
	uint32_t at;
	uint16_t csum = 0;
	switch (ptype & RTE_PTYPE_L4_MASK) {
	case RTE_PTYPE_L4_TCP:
		at = hdr_len + offsetof(struct rte_tcp_hdr, cksum);
		break;
	case RTE_PTYPE_L4_UDP:
		at = hdr_len + offsetof(struct rte_udp_hdr, dgram_cksum);
		break;
	default:
		return;
	}
	if (rte_pktmbuf_pkt_len(m) < hdr_len ||
	    rte_raw_cksum_mbuf(m, hdr_len, rte_pktmbuf_pkt_len(m) - hdr_len, &csum) < 0)
		return;
	csum = ~csum;
	if ((ptype & RTE_PTYPE_L4_MASK) == RTE_PTYPE_L4_UDP && csum == 0)
		csum = 0xffff; /* RFC 768: zero means "no checksum" */
	if (rte_pktmbuf_data_len(m) >= at + 2)
		*rte_pktmbuf_mtod_offset(m, uint16_t *, at) = csum;
	m->ol_flags &= ~RTE_MBUF_F_RX_L4_CKSUM_MASK;
	m->ol_flags |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

uint16_t lisa_vhost_rx(uint16_t port_id, uint16_t queue_id, unsigned worker, struct rte_mbuf **pkts, uint16_t n)
{
	struct lisa_vhost_port *p = &lisa_vhost_ports[port_id];
	struct lisa_vhost_worker *w = &lisa_vhost_workers[worker % LISA_VHOST_WORKERS];
	uint16_t got = 0;
	if (lisa_vhost_enter(w, port_id))
		got = rte_vhost_dequeue_burst(p->vid, queue_id * 2 + 1, p->pool, pkts, n);
	lisa_vhost_leave(w);
	for (uint16_t i = 0; i < got; i++)
		if (unlikely((pkts[i]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE))
			lisa_vhost_rx_sw_csum(pkts[i]);
	return got;
}

uint16_t lisa_vhost_tx(uint16_t port_id, uint16_t queue_id, unsigned worker, struct rte_mbuf **pkts, uint16_t n)
{
	struct lisa_vhost_port *p = &lisa_vhost_ports[port_id];
	struct lisa_vhost_worker *w = &lisa_vhost_workers[worker % LISA_VHOST_WORKERS];
	uint16_t sent = 0;
	if (lisa_vhost_enter(w, port_id))
		sent = rte_vhost_enqueue_burst(p->vid, queue_id * 2, pkts, n);
	lisa_vhost_leave(w);
	/* The library copied them into the guest's buffers. */
	lisa_free_sent(pkts, sent);
	return sent;
}

void lisa_mbuf_free_sent(struct rte_mbuf **pkts, uint16_t n)
{
	lisa_free_sent(pkts, n);
}

#include <sys/eventfd.h>

void lisa_vhost_kick(int callfd)
{
	if (callfd >= 0)
		(void)eventfd_write(callfd, 1);
}
