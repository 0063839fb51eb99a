/*
 * kz.h - libkz, a library that turns scraped news articles into a corpus
 * researchers can query.  Include this header; it includes the others.
 */
#ifndef KZ_H
#define KZ_H

#include "kz/common.h"
#include "kz/version.h"
#include "kz/error.h"
#include "kz/token.h"
#include "kz/article.h"
#include "kz/analysis.h"
#include "kz/corpus.h"
#include "kz/query.h"
#include "kz/stats.h"

#endif /* KZ_H */
