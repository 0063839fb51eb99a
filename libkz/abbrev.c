/*
 * abbrev.c - abbreviations and sentence openers for the sentence segmenter.
 *
 * A full stop after an abbreviation usually does not end a sentence.  Each
 * language has two lists, written as the words appear in text without the
 * final '.':
 *   - titles, placed before a name ("Mr", "Gen", "проф"): never end one;
 *   - other abbreviations ("Jan", "Inc", "Nr", "г"): end a sentence only when
 *     the next word is a common sentence opener (below).
 * Besides the lists, two shapes are abbreviations in every language: a single
 * uppercase letter (the initial of "J. Smith") and single letters joined by
 * dots ("U.S", "e.g", "z.B", "т.е").
 *
 * Sentence openers are capitalized function words ("The", "He", "Der", "Он")
 * that start sentences far more often than they follow an abbreviation
 * inside one.  A capitalized noun after "Inc." is taken to continue the
 * sentence; "The" after "Inc." starts a new one.
 *
 * Lookups are exact (case-sensitive) and linear over lists of a few hundred
 * short entries, comparing lengths first; they run only where a full stop
 * after a word would otherwise end a sentence.  An empty or unknown language
 * uses every list.
 */
#include <string.h>

#include <unictype.h>

#include "kz_int.h"

typedef struct word {
  unsigned char len;
  const char *s;
} word;

#define W(s) {sizeof(s) - 1, s}
#define LIST(a) a, sizeof(a) / sizeof(a[0])

/* ---- English ------------------------------------------------------------ */
static const word en_titles[] = {
  W("Adm"), W("Amb"), W("Atty"), W("Brig"), W("Capt"), W("Cdr"), W("Cmdr"),
  W("Col"), W("Cpl"), W("Cpt"), W("Dr"), W("Drs"), W("Fr"), W("Gen"),
  W("Gov"), W("Hon"), W("Insp"), W("Lt"), W("Maj"), W("Messrs"), W("Mr"),
  W("Mrs"), W("Ms"), W("Msgr"), W("Mx"), W("Pres"), W("Prof"), W("Pvt"),
  W("Rep"), W("Reps"), W("Rev"), W("Sen"), W("Sens"), W("Sgt"), W("Supt"),
};
static const word en_abbrevs[] = {
  /* months and days */
  W("Jan"), W("Feb"), W("Mar"), W("Apr"), W("Jun"), W("Jul"), W("Aug"),
  W("Sep"), W("Sept"), W("Oct"), W("Nov"), W("Dec"), W("Mon"), W("Tue"),
  W("Tues"), W("Wed"), W("Thu"), W("Thur"), W("Thurs"), W("Fri"), W("Sat"),
  /* companies, places, people */
  W("Inc"), W("Ltd"), W("Co"), W("Corp"), W("Bros"), W("Jr"), W("Sr"),
  W("St"), W("Ste"), W("Ave"), W("Blvd"), W("Rd"), W("Mt"), W("Ft"),
  W("Dept"), W("Univ"), W("Assn"), W("Ph.D"),
  /* U.S. states, AP style */
  W("Ala"), W("Ariz"), W("Ark"), W("Calif"), W("Colo"), W("Conn"), W("Del"),
  W("Fla"), W("Ga"), W("Ill"), W("Ind"), W("Kan"), W("Ky"), W("La"),
  W("Md"), W("Mass"), W("Mich"), W("Minn"), W("Mo"), W("Mont"), W("Neb"),
  W("Nev"), W("Okla"), W("Ore"), W("Pa"), W("Tenn"), W("Tex"), W("Va"),
  W("Vt"), W("Wash"), W("Wis"), W("Wyo"),
  /* references and Latin */
  W("No"), W("Nos"), W("Vol"), W("vol"), W("Fig"), W("fig"), W("pp"),
  W("p"), W("ed"), W("eds"), W("approx"), W("est"), W("dept"), W("etc"),
  W("vs"), W("al"), W("cf"), W("ca"), W("viz"), W("min"), W("max"),
};
static const word en_openers[] = {
  W("A"), W("About"), W("According"), W("After"), W("Again"), W("Also"),
  W("Although"), W("An"), W("And"), W("Another"), W("Any"), W("Are"),
  W("As"), W("At"), W("Because"), W("Before"), W("Both"), W("But"), W("By"),
  W("Can"), W("Could"), W("Despite"), W("Did"), W("Do"), W("Does"),
  W("During"), W("Each"), W("Earlier"), W("Even"), W("Every"), W("For"),
  W("From"), W("Had"), W("Has"), W("Have"), W("He"), W("Her"), W("Here"),
  W("His"), W("How"), W("However"), W("I"), W("If"), W("In"), W("Instead"),
  W("Is"), W("It"), W("Its"), W("Last"), W("Later"), W("Many"),
  W("Meanwhile"), W("More"), W("Most"), W("My"), W("No"), W("Nor"),
  W("Not"), W("Now"), W("Of"), W("On"), W("Once"), W("One"), W("Only"),
  W("Or"), W("Other"), W("Our"), W("Over"), W("She"), W("Since"), W("So"),
  W("Some"), W("Still"), W("Such"), W("That"), W("The"), W("Their"),
  W("Then"), W("There"), W("These"), W("They"), W("This"), W("Those"),
  W("Though"), W("Thus"), W("To"), W("Under"), W("Unlike"), W("Until"),
  W("Was"), W("We"), W("Were"), W("What"), W("When"), W("Where"),
  W("Whether"), W("Which"), W("While"), W("Who"), W("Why"), W("Will"),
  W("With"), W("Without"), W("Would"), W("Yet"), W("You"), W("Your"),
};

/* ---- German ------------------------------------------------------------- */
static const word de_titles[] = {
  W("Dr"), W("Prof"), W("Hr"), W("Hrn"), W("Fr"), W("Dipl"),
};
static const word de_abbrevs[] = {
  W("Jan"), W("Feb"), W("Febr"), W("Apr"), W("Jun"), W("Jul"), W("Aug"),
  W("Sep"), W("Sept"), W("Okt"), W("Nov"), W("Dez"), W("Mo"), W("Di"),
  W("Mi"), W("Do"), W("Sa"), W("So"),
  W("Nr"), W("Str"), W("St"), W("Abs"), W("Art"), W("Bd"), W("Hrsg"),
  W("Tel"), W("Mio"), W("Mrd"), W("Tsd"), W("Jh"), W("Jhd"), W("Jhdt"),
  W("Std"), W("Min"), W("Kap"), W("Abb"), W("Anm"), W("Aufl"),
  W("bzw"), W("ca"), W("usw"), W("vgl"), W("ggf"), W("evtl"), W("inkl"),
  W("zzgl"), W("bzgl"), W("gem"), W("sog"), W("etc"), W("geb"), W("gest"),
  W("einschl"), W("allg"), W("insb"), W("u.v.m"), W("v.Chr"), W("n.Chr"),
};
static const word de_openers[] = {
  W("Aber"), W("Allerdings"), W("Als"), W("Also"), W("Am"), W("An"),
  W("Auch"), W("Auf"), W("Aus"), W("Außerdem"), W("Bei"), W("Beim"),
  W("Bereits"), W("Bis"), W("Da"), W("Dabei"), W("Daher"), W("Damit"),
  W("Dann"), W("Das"), W("Dass"), W("Dem"), W("Den"), W("Denn"), W("Der"),
  W("Des"), W("Deshalb"), W("Die"), W("Dies"), W("Diese"), W("Diesem"),
  W("Diesen"), W("Dieser"), W("Dieses"), W("Doch"), W("Dort"), W("Du"),
  W("Durch"), W("Ein"), W("Eine"), W("Einem"), W("Einen"), W("Einer"),
  W("Eines"), W("Er"), W("Es"), W("Für"), W("Gegen"), W("Hier"), W("Ich"),
  W("Ihr"), W("Ihre"), W("Im"), W("In"), W("Inzwischen"), W("Ja"),
  W("Jedoch"), W("Jetzt"), W("Kein"), W("Keine"), W("Laut"), W("Man"),
  W("Mit"), W("Nach"), W("Nein"), W("Nicht"), W("Noch"), W("Nun"),
  W("Nur"), W("Ob"), W("Oder"), W("Ohne"), W("Seit"), W("Sein"),
  W("Seine"), W("Sie"), W("So"), W("Später"), W("Trotz"), W("Um"),
  W("Und"), W("Unter"), W("Viele"), W("Vom"), W("Von"), W("Vor"),
  W("Während"), W("Was"), W("Weil"), W("Wenn"), W("Wer"), W("Wie"),
  W("Wir"), W("Wo"), W("Zu"), W("Zudem"), W("Zum"), W("Zur"), W("Zwar"),
  W("Über"),
};

/* ---- Russian ------------------------------------------------------------ */
static const word ru_titles[] = {
  W("акад"), W("проф"), W("ген"), W("полк"), W("тов"), W("гр"), W("св"),
  W("Акад"), W("Проф"), W("Ген"),
};
static const word ru_abbrevs[] = {
  W("г"), W("гг"), W("в"), W("вв"), W("ул"), W("пр"), W("просп"), W("пл"),
  W("д"), W("кв"), W("обл"), W("им"), W("см"), W("стр"), W("с"), W("ст"),
  W("др"), W("руб"), W("коп"), W("тыс"), W("млн"), W("млрд"), W("трлн"),
  W("долл"), W("ок"), W("чел"), W("рис"), W("табл"), W("гл"), W("ч"),
  W("мин"), W("сек"), W("янв"), W("фев"), W("февр"), W("мар"), W("апр"),
  W("июн"), W("июл"), W("авг"), W("сен"), W("сент"), W("окт"), W("ноя"),
  W("нояб"), W("дек"), W("пос"), W("дер"), W("р"), W("Г"), W("Ул"),
};
static const word ru_openers[] = {
  W("А"), W("В"), W("Во"), W("Вот"), W("Все"), W("Всё"), W("Вы"), W("Где"),
  W("Да"), W("Для"), W("До"), W("Его"), W("Ее"), W("Её"), W("Если"),
  W("Еще"), W("Ещё"), W("За"), W("Затем"), W("Здесь"), W("И"), W("Из"),
  W("Или"), W("Их"), W("К"), W("Как"), W("Когда"), W("Кроме"), W("Кто"),
  W("Ко"), W("Между"), W("Мы"), W("На"), W("Не"), W("Нет"), W("Ни"),
  W("Но"), W("О"), W("Об"), W("Однако"), W("Он"), W("Она"), W("Они"),
  W("Оно"), W("От"), W("По"), W("Позже"), W("После"), W("Потому"),
  W("Почему"), W("При"), W("Пока"), W("С"), W("Сейчас"), W("Со"),
  W("Так"), W("Также"), W("Там"), W("Теперь"), W("Тогда"), W("То"),
  W("Только"), W("У"), W("Уже"), W("Хотя"), W("Что"), W("Чтобы"), W("Это"),
  W("Эта"), W("Этот"), W("Эти"), W("Я"),
};

/* ---- French ------------------------------------------------------------- */
static const word fr_titles[] = {
  W("M"), W("MM"), W("Mme"), W("Mmes"), W("Mlle"), W("Mlles"), W("Dr"),
  W("Pr"), W("Me"), W("Mgr"),
};
static const word fr_abbrevs[] = {
  W("St"), W("Ste"), W("etc"), W("cf"), W("env"), W("av"), W("apr"),
  W("ex"), W("p"), W("pp"), W("vol"), W("éd"), W("hab"), W("min"),
  W("max"), W("bd"), W("boul"), W("fg"), W("chap"), W("Cie"), W("janv"),
  W("févr"), W("fév"), W("avr"), W("juil"), W("sept"), W("oct"), W("nov"),
  W("déc"), W("lun"), W("mar"), W("mer"), W("jeu"), W("ven"), W("sam"),
  W("dim"), W("art"), W("no"), W("tél"),
};
static const word fr_openers[] = {
  W("À"), W("Ainsi"), W("Alors"), W("Après"), W("Au"), W("Aujourd"),
  W("Aussi"), W("Aux"), W("Avant"), W("Avec"), W("C"), W("Car"), W("Ce"),
  W("Cela"), W("Cependant"), W("Ces"), W("Cet"), W("Cette"), W("Chaque"),
  W("Comme"), W("Comment"), W("D"), W("Dans"), W("De"), W("Depuis"),
  W("Des"), W("Donc"), W("Du"), W("Elle"), W("Elles"), W("En"), W("Enfin"),
  W("Ensuite"), W("Entre"), W("Et"), W("Il"), W("Ils"), W("J"), W("Je"),
  W("L"), W("La"), W("Le"), W("Les"), W("Leur"), W("Leurs"), W("Lors"),
  W("Mais"), W("Malgré"), W("Même"), W("Ne"), W("Nous"), W("On"), W("Or"),
  W("Où"), W("Par"), W("Parce"), W("Pendant"), W("Plus"), W("Pour"),
  W("Pourquoi"), W("Pourtant"), W("Puis"), W("Quand"), W("Que"), W("Qui"),
  W("S"), W("Sa"), W("Sans"), W("Se"), W("Selon"), W("Ses"), W("Si"),
  W("Son"), W("Sous"), W("Sur"), W("Tous"), W("Tout"), W("Toutefois"),
  W("Un"), W("Une"), W("Vous"),
};

/* ---- Spanish ------------------------------------------------------------ */
static const word es_titles[] = {
  W("Sr"), W("Sra"), W("Srta"), W("Sres"), W("Sras"), W("Dr"), W("Dra"),
  W("Lic"), W("Ing"), W("Prof"), W("Dña"), W("Excmo"), W("Excma"),
  W("Ilmo"), W("Ilma"), W("Gral"), W("Cnel"), W("Tte"),
};
static const word es_abbrevs[] = {
  W("etc"), W("pág"), W("págs"), W("núm"), W("art"), W("aprox"), W("Av"),
  W("Avda"), W("Cía"), W("Sta"), W("Sto"), W("EE"), W("EE.UU"), W("ej"),
  W("Ud"), W("Uds"), W("Vd"), W("Vds"), W("ene"), W("feb"), W("mar"),
  W("abr"), W("jun"), W("jul"), W("ago"), W("sep"), W("sept"), W("oct"),
  W("nov"), W("dic"), W("lun"), W("mié"), W("jue"), W("vie"), W("sáb"),
  W("dom"), W("tel"), W("vol"),
};
static const word es_openers[] = {
  W("A"), W("Además"), W("Ahora"), W("Al"), W("Allí"), W("Antes"),
  W("Aquí"), W("Así"), W("Aunque"), W("Como"), W("Con"), W("Cuando"),
  W("De"), W("Del"), W("Desde"), W("Después"), W("Donde"), W("Durante"),
  W("El"), W("Él"), W("Ella"), W("Ellas"), W("Ellos"), W("En"),
  W("Entonces"), W("Entre"), W("Es"), W("Esa"), W("Ese"), W("Eso"),
  W("Esta"), W("Estas"), W("Este"), W("Esto"), W("Estos"), W("Fue"),
  W("Hace"), W("Hasta"), W("Hay"), W("Hoy"), W("La"), W("Las"), W("Le"),
  W("Les"), W("Lo"), W("Los"), W("Luego"), W("Mientras"), W("Muchos"),
  W("Ni"), W("No"), W("Nosotros"), W("O"), W("Para"), W("Pero"), W("Por"),
  W("Porque"), W("Pues"), W("Que"), W("Qué"), W("Quien"), W("Quién"),
  W("Se"), W("Según"), W("Si"), W("Sí"), W("Sin"), W("Sobre"), W("Su"),
  W("Sus"), W("También"), W("Todo"), W("Todos"), W("Tras"), W("Un"),
  W("Una"), W("Uno"), W("Unos"), W("Y"), W("Ya"), W("Yo"),
};

typedef struct lang_lists {
  const char *lang;
  const word *titles;
  size_t ntitles;
  const word *abbrevs;
  size_t nabbrevs;
  const word *openers;
  size_t nopeners;
} lang_lists;

static const lang_lists langs[] = {
  {"en", LIST(en_titles), LIST(en_abbrevs), LIST(en_openers)},
  {"de", LIST(de_titles), LIST(de_abbrevs), LIST(de_openers)},
  {"ru", LIST(ru_titles), LIST(ru_abbrevs), LIST(ru_openers)},
  {"fr", LIST(fr_titles), LIST(fr_abbrevs), LIST(fr_openers)},
  {"es", LIST(es_titles), LIST(es_abbrevs), LIST(es_openers)},
};
#define NLANGS (sizeof langs / sizeof langs[0])

static bool in_list(const word *list, size_t count, const char *w, size_t n) {
  size_t i;
  for (i = 0; i < count; i++)
    if (list[i].len == n && list[i].s[0] == w[0] && memcmp(list[i].s, w, n) == 0)
      return true;
  return false;
}

/* The lists of lang, or NULL to search them all. */
static const lang_lists *find_lang(const char *lang) {
  size_t i;
  if (lang == NULL || lang[0] == '\0') return NULL;
  for (i = 0; i < NLANGS; i++)
    if (strcmp(langs[i].lang, lang) == 0) return &langs[i];
  return NULL;
}

/* Decode one letter at w[0..n); returns its length or 0 if it is no letter
 * (combining marks that follow it are included). */
static size_t letter_at(const char *w, size_t n, bool *upper) {
  size_t len, i;
  int32_t c = (unsigned char)w[0];
  if (c < 0x80) { /* fast path */
    if ((c | 0x20) < 'a' || (c | 0x20) > 'z') return 0;
    *upper = c <= 'Z';
    len = 1;
  } else {
    c = kzi_utf8_decode((const unsigned char *)w, n, &len);
    if (c < 0 || !uc_is_alpha((ucs4_t)c)) return 0;
    *upper = uc_is_upper((ucs4_t)c) ||
             uc_is_general_category((ucs4_t)c, UC_TITLECASE_LETTER);
  }
  for (i = len; i < n && (unsigned char)w[i] >= 0x80;) {
    size_t l2;
    int32_t m = kzi_utf8_decode((const unsigned char *)w + i, n - i, &l2);
    if (m < 0 || !uc_is_general_category((ucs4_t)m, UC_CATEGORY_M)) break;
    i += l2;
  }
  return i;
}

/* "J" (an initial) or "U.S", "e.g", "z.B": single letters joined by dots. */
static bool is_initials(const char *w, size_t n) {
  size_t i = 0, letters = 0;
  bool upper = false, first_upper = false;
  for (;;) {
    size_t l = letter_at(w + i, n - i, &upper);
    if (l == 0) return false;
    if (letters++ == 0) first_upper = upper;
    i += l;
    if (i == n) break;
    if (w[i] != '.' || i + 1 == n) return false;
    i++;
  }
  return letters > 1 || first_upper;
}

bool kzi_is_abbreviation(const char *lang, const char *w, size_t n, bool *title) {
  const lang_lists *l = find_lang(lang);
  size_t i;
  bool dummy;
  if (title == NULL) title = &dummy;
  *title = false;
  if (w == NULL || n == 0 || n > 255) return false;
  for (i = 0; i < NLANGS; i++) {
    const lang_lists *L = l ? l : &langs[i];
    if (in_list(L->titles, L->ntitles, w, n)) {
      *title = true;
      return true;
    }
    if (l) break;
  }
  for (i = 0; i < NLANGS; i++) {
    const lang_lists *L = l ? l : &langs[i];
    if (in_list(L->abbrevs, L->nabbrevs, w, n)) return true;
    if (l) break;
  }
  return is_initials(w, n);
}

bool kzi_is_sentence_opener(const char *lang, const char *w, size_t n) {
  const lang_lists *l = find_lang(lang);
  size_t i;
  if (w == NULL || n == 0 || n > 255) return false;
  for (i = 0; i < NLANGS; i++) {
    const lang_lists *L = l ? l : &langs[i];
    if (in_list(L->openers, L->nopeners, w, n)) return true;
    if (l) break;
  }
  return false;
}
