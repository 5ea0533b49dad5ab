/*
 * cr_random.h
 *	  Deterministic pseudo-random numbers and hashing, identical on every
 *	  machine and PostgreSQL version.  Plain C (no backend calls), so the demo
 *	  generator, retention_split and the unit tests all share one definition.
 *
 * splitmix64 is Steele, Lea and Flood's 64-bit finaliser (a bijection with
 * full avalanche); xoshiro256** is Blackman and Vigna's generator, seeded
 * from splitmix64 as its authors recommend.  Both use only fixed-width
 * unsigned arithmetic, so results never depend on the platform.
 */
#ifndef CR_RANDOM_H
#define CR_RANDOM_H

#include <stdint.h>
#include <stddef.h>
#include <math.h>

/* One splitmix64 step: advances *state and returns a well-mixed value. */
static inline uint64_t
cr_splitmix64(uint64_t *state)
{
	uint64_t	z = (*state += UINT64_C(0x9E3779B97F4A7C15));

	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Stateless mix of one 64-bit value (the splitmix64 finaliser). */
static inline uint64_t
cr_mix64(uint64_t x)
{
	uint64_t	s = x;

	return cr_splitmix64(&s);
}

/* Hash a byte string with a seed: 8-byte little-endian words through cr_mix64. */
static inline uint64_t
cr_hash_bytes(const unsigned char *p, size_t len, uint64_t seed)
{
	uint64_t	h = cr_mix64(seed ^ (UINT64_C(0x5851F42D4C957F2D) * (uint64_t) (len + 1)));

	while (len >= 8)
	{
		uint64_t	w = 0;

		for (int i = 7; i >= 0; i--)
			w = (w << 8) | p[i];
		h = cr_mix64(h ^ w);
		p += 8;
		len -= 8;
	}
	if (len > 0)
	{
		uint64_t	w = 0;

		for (int i = (int) len - 1; i >= 0; i--)
			w = (w << 8) | p[i];
		h = cr_mix64(h ^ w ^ UINT64_C(0xA0761D6478BD642F));
	}
	return cr_mix64(h);
}

typedef struct CrRng
{
	uint64_t	s[4];
} CrRng;

static inline void
cr_rng_seed(CrRng *rng, uint64_t seed)
{
	uint64_t	sm = seed;

	for (int i = 0; i < 4; i++)
		rng->s[i] = cr_splitmix64(&sm);
}

static inline uint64_t
cr_rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* xoshiro256**: next 64 random bits. */
static inline uint64_t
cr_rng_next(CrRng *rng)
{
	uint64_t   *s = rng->s;
	uint64_t	result = cr_rotl(s[1] * 5, 7) * 9;
	uint64_t	t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = cr_rotl(s[3], 45);
	return result;
}

/* Uniform double in [0, 1) with 53 random bits. */
static inline double
cr_rng_uniform(CrRng *rng)
{
	return (double) (cr_rng_next(rng) >> 11) * 0x1.0p-53;
}

/* Uniform double in (0, 1): never exactly zero, safe for log(). */
static inline double
cr_rng_uniform_pos(CrRng *rng)
{
	return ((double) (cr_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

/* Standard normal by Box-Muller (one value per call, the cosine branch). */
static inline double
cr_rng_normal(CrRng *rng)
{
	double		u1 = cr_rng_uniform_pos(rng);
	double		u2 = cr_rng_uniform(rng);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

#endif							/* CR_RANDOM_H */
