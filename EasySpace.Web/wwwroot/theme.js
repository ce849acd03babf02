// The layout calls this when the theme is toggled; the server reads the cookie to render the next page in that theme.
window.easySpace = window.easySpace || {};
window.easySpace.rememberTheme = (name, value) => {
    document.cookie = `${name}=${value}; path=/; max-age=31536000; samesite=lax`;
};
