/*
 * What the native-image builder's C queries need from GraalVM's include/svm_locale.h (LocaleCHelper: the struct
 * layout and two constants). Written for ./vigil native-check, which stops at the object file: the functions are
 * declared, never linked.
 */
#ifndef SVM_LOCALE_H
#define SVM_LOCALE_H

#define SVM_LOCALE_INITIALIZATION_SUCCEEDED 0
#define SVM_LOCALE_INITIALIZATION_OUT_OF_MEMORY 1

typedef struct {
    char *display_language, *display_script, *display_country, *display_variant;
    char *format_language, *format_script, *format_country, *format_variant;
} svm_locale_props_t;

int svm_initialize_locale(void);
svm_locale_props_t *svm_get_locale(void);

#endif
