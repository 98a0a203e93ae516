/* The per-user cache directory and the seals of its entries (cache.c). */
#ifndef TAPC_CACHE_H
#define TAPC_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CACHE_HASH_INIT 0xcbf29ce484222325ULL

/* The user's cache directory, created (mode 0700) and checked on first
 * use: NULL, with an error counted, when it is not the user's alone. */
const char *cache_dir(void);

/* FNV-1a over bytes, over a file's bytes (false if unreadable), and over a
 * directory tree (names and contents, dot files included, sorted). */
uint64_t cache_hash(uint64_t h, const void *p, size_t n);
bool cache_hash_file(const char *path, uint64_t *h);
uint64_t cache_hash_tree(uint64_t h, const char *dir);

/* Record that an entry's contents hash to h, made from stamp (a short
 * text naming its inputs, "" if the entry's name says it all), in the
 * file seal; and check it: false when the seal is missing or differs. */
bool cache_seal(const char *seal, uint64_t h, const char *stamp);
bool cache_sealed(const char *seal, uint64_t h, const char *stamp);

#endif
