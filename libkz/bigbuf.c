/*
 * bigbuf.c - large growing buffers with pages straight from the kernel.
 *
 * The writer's log of postings entries, and its copy sorted by term, grow
 * to tens or hundreds of MB.  A heap block grown by realloc() is copied at
 * each doubling, and a fresh process touches it one 4 KB page fault at a
 * time: in virtual machines, where a fault is expensive, that was a fifth
 * of the indexing time.  Here the pages come from mmap(), a doubling is an
 * mremap() that moves page tables instead of bytes, and transparent huge
 * pages are asked for (one fault per 2 MB).  Without mremap() (not Linux):
 * plain realloc().  A buffer grown here must be freed with kzi_big_free().
 *
 * Below HUGE_FROM a buffer lives on the heap: the segment writer's
 * sections start small in every segment, and a writer with a small budget
 * opens one segment per flush; fresh mappings each time faulted every
 * page anew (8x the page faults of the heap, which reuses what the last
 * segment freed).  The mapped size tells the two kinds apart.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kz_int.h"

#define BIG_MIN (64u * 1024)
#define HUGE_PAGE ((size_t)2 << 20)
#define HUGE_FROM (HUGE_PAGE / 4) /* from here sizes round up to huge pages */

/* The bytes mapped for a request of n (one huge page costs less to fault
 * and zero than 128 small ones). */
static size_t big_size(size_t n) {
  if (n < HUGE_FROM || n > SIZE_MAX - HUGE_PAGE) return n;
  return (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
}

#ifdef MREMAP_MAYMOVE
/* n bytes (big_size()d) of zeroed pages, aligned to a huge page when n is
 * one or more (the kernel gives huge pages only to aligned 2 MB ranges). */
static char *map_pages(size_t n) {
  size_t extra = n >= HUGE_PAGE ? HUGE_PAGE : 0;
  char *p = mmap(NULL, n + extra, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return NULL;
  if (extra) {
    size_t head = (HUGE_PAGE - ((uintptr_t)p & (HUGE_PAGE - 1))) & (HUGE_PAGE - 1);
    if (head) munmap(p, head);
    if (extra - head) munmap(p + head + n, extra - head);
    p += head;
  }
#ifdef MADV_HUGEPAGE
  if (extra) (void)madvise(p, n, MADV_HUGEPAGE); /* a hint: fine if refused */
#endif
  return p;
}
#endif

/* Is a block of (big_size()d) size m on the heap? */
static int on_heap(size_t m) { return m < HUGE_FROM; }

void *kzi_big_alloc(size_t n) {
#ifdef MREMAP_MAYMOVE
  if (!n) return NULL;
  if (on_heap(big_size(n))) return calloc(n, 1);
  return map_pages(big_size(n));
#else
  return calloc(n ? n : 1, 1);
#endif
}

void kzi_big_release(void *p, size_t n) {
#ifdef MREMAP_MAYMOVE
  if (!p || !n) return;
  if (on_heap(big_size(n))) free(p);
  else munmap(p, big_size(n));
#else
  (void)n;
  free(p);
#endif
}

int kzi_big_reserve(kzi_buf *b, size_t extra) {
  size_t need, cap;
  char *p;
  if (extra > SIZE_MAX - b->n - 1) return KZ_ENOMEM;
  need = b->n + extra + 1;
  if (need <= b->cap) return KZ_OK;
  cap = b->cap ? b->cap : BIG_MIN;
  while (cap < need) {
    if (cap > SIZE_MAX / 2) return KZ_ENOMEM;
    cap *= 2;
  }
  cap = big_size(cap);
#ifdef MREMAP_MAYMOVE
  if (on_heap(cap)) { /* (then so was the old block) */
    p = realloc(b->p, cap);
    if (p == NULL) return KZ_ENOMEM;
  } else {
    p = map_pages(cap);
    if (p == NULL) return KZ_ENOMEM;
    if (b->p && b->cap >= HUGE_PAGE) {
      /* huge pages already: move them to the start of the new range (page
       * tables move, bytes do not) */
      if (mremap(b->p, b->cap, b->cap, MREMAP_MAYMOVE | MREMAP_FIXED, p) == MAP_FAILED) {
        munmap(p, cap);
        return KZ_ENOMEM;
      }
    } else if (b->p) {
      /* from the heap: copy, so that the new range is all huge pages */
      memcpy(p, b->p, b->n);
      free(b->p);
    }
  }
#else
  p = realloc(b->p, cap);
  if (p == NULL) return KZ_ENOMEM;
#endif
  b->p = p;
  b->cap = cap;
  b->big = 1;
  return KZ_OK;
}

void kzi_big_free(kzi_buf *b) {
#ifdef MREMAP_MAYMOVE
  if (b->p && on_heap(b->cap)) free(b->p);
  else if (b->p) munmap(b->p, b->cap); /* cap is the mapped size */
#else
  free(b->p);
#endif
  b->p = NULL;
  b->n = b->cap = 0; /* still big */
}
